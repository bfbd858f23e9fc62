"""Builders shared by the hostile-input tests: small real tables written to tmp_path."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from fairdash.data import ColumnRoles, read_table

ROLES = ColumnRoles(target="y", positive_label="1", sensitive=("g",), features=("x1", "x2"))


def frame(n: int = 200, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    return pd.DataFrame({"x1": x1, "x2": rng.normal(size=n), "g": rng.choice(["a", "b"], n),
                         "y": (x1 + rng.normal(size=n) > 0).astype(int), "p": rng.random(n)})


def csv_file(tmp_path, df: pd.DataFrame, name: str = "data.csv") -> pd.DataFrame:
    """Write ``df`` as CSV, read it back through read_table (what the app and CLI do)."""
    path = tmp_path / name
    df.to_csv(path, index=False)
    return read_table(path.read_bytes(), name)


def parquet_bytes(tmp_path, table, name: str = "data.parquet") -> bytes:
    path = tmp_path / name
    if isinstance(table, pd.DataFrame):
        table = pa.Table.from_pandas(table, preserve_index=False)
    pq.write_table(table, path)
    return path.read_bytes()


def one_sentence(message: str) -> None:
    assert message.count(". ") == 0 and message.endswith("."), message
    assert "Traceback" not in message and "\n" not in message
