"""CSV injection (OWASP): text that starts like a formula is written as text, numbers stay."""

from pathlib import Path

import pandas as pd
import pytest

from fairdash._safe_csv import safe_csv

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("cell", ["=cmd|' /C calc'!A0", "@SUM(1+1)*cmd", "+1+1", "-2+3",
                                  "=HYPERLINK(\"http://127.0.0.1:8699\",\"x\")", "\t=1", "|x"])
def test_formula_text_is_quoted_in_cells_labels_and_headers(cell):
    frame = pd.DataFrame({cell: [cell, "plain"], "value": [-0.5, 2.0]},
                         index=pd.Index([cell, "b"], name="group"))
    rows = pd.read_csv(__import__("io").StringIO(safe_csv(frame)), dtype=str,
                       keep_default_na=False)
    assert list(rows.columns)[1] == "'" + cell.rstrip("\r")
    assert rows.iloc[0, 0] == "'" + cell and rows.iloc[0, 1] == "'" + cell
    assert list(rows["value"]) == ["-0.5", "2.0"]  # numbers are not touched


def test_every_csv_the_app_and_cli_write_goes_through_safe_csv():
    paths = [*(ROOT / "fairdash" / "ui").rglob("*.py"), *(ROOT / "fairdash").glob("cli*.py")]
    for path in paths:
        assert ".to_csv" not in path.read_text(), path
