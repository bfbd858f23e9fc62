"""A small valid table and its roles, shared by the build_dataset tests."""

import numpy as np
import pandas as pd

from fairdash.data import ColumnRoles

ROLES = ColumnRoles(target="label", positive_label="1", sensitive=("sex",), features=("x", "z"))


def table(n: int = 120, seed: int = 0) -> pd.DataFrame:
    """A small valid table: binary target, two sensitive columns, features and a score."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "sex": rng.choice(["female", "male"], n),
        "race": rng.choice(["a", "b", "c"], n),
        "x": rng.normal(size=n),
        "z": rng.choice(["p", "q"], n),
        "label": np.tile([0, 1], n // 2),
        "score": rng.random(n),
    })


def roles(**changes) -> ColumnRoles:
    return ColumnRoles(**{**ROLES.__dict__, **changes})
