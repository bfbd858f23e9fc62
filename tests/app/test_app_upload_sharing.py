"""Two sessions uploading the same bytes share one parsed table (keyed by the bytes' hash);
different bytes never reach each other's table."""

from pathlib import Path

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _upload(at, name: str, data: bytes):
    at.switch_page("app_pages/data.py").run()
    at.radio(key="w_source_kind").set_value("Upload a file").run()
    at.file_uploader(key="w_upload").set_value((name, data, "text/csv")).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    return at.session_state["upload_frame"]


def _table(seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    n = 400
    return pd.DataFrame({"x": rng.normal(size=n), "g": rng.choice(["a", "b"], n),
                         "hired": rng.choice(["yes", "no"], n)}).to_csv(index=False).encode()


def test_the_same_bytes_are_parsed_once_and_other_bytes_stay_apart(app):
    data = _table(1)
    app.run()
    mine = _upload(app, "hires.csv", data)
    theirs_at = AppTest.from_file(APP, default_timeout=120)
    theirs_at.run()
    theirs = _upload(theirs_at, "hires.csv", data)
    assert theirs[0] is mine[0] and theirs[1] == mine[1]       # one copy in memory
    other_at = AppTest.from_file(APP, default_timeout=120)
    other_at.run()
    other = _upload(other_at, "hires.csv", _table(2))          # same name, other bytes
    assert other[0] is not mine[0] and other[1] != mine[1]
