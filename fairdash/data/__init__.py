"""Data: bundled samples, synthetic data, upload parsing, column roles, validation, splits."""

from fairdash.data._dataset import (AUDITED_SPLIT, MAX_GROUPS, TASKS, Dataset, build_dataset,
                                    group_overview, outside_model_warning, table_fingerprint)
from fairdash.data._limits import DECODED_SIZE_FACTOR, MAX_COLUMNS, MAX_ROWS
from fairdash.data._roles import (ColumnRoles, default_positive_label, flag_columns, infer_task,
                                  suggest_roles)
from fairdash.data._samples import SAMPLE_DIR, SAMPLES, SampleSpec, load_sample
from fairdash.data._summary import column_summary
from fairdash.data._split import SPLIT_NAMES, stratified_split
from fairdash.data._synthetic import make_synthetic
from fairdash.data._upload import DEFAULT_MAX_UPLOAD_BYTES, read_table
from fairdash.data._values import MAX_ABS_VALUE

__all__ = [
    "AUDITED_SPLIT", "outside_model_warning",
    "DECODED_SIZE_FACTOR", "MAX_ABS_VALUE", "MAX_COLUMNS", "MAX_ROWS",
    "ColumnRoles", "column_summary", "DEFAULT_MAX_UPLOAD_BYTES", "Dataset", "MAX_GROUPS", "SAMPLES", "SAMPLE_DIR",
    "SPLIT_NAMES", "SampleSpec", "build_dataset", "default_positive_label", "flag_columns", "group_overview",
    "infer_task", "load_sample", "make_synthetic", "read_table", "sample_roles",
    "stratified_split", "suggest_roles", "table_fingerprint", "TASKS",
]


def sample_roles(name: str) -> ColumnRoles:
    """The recommended :class:`ColumnRoles` of a bundled sample."""
    spec = SAMPLES[name]
    return ColumnRoles(target=spec.target, positive_label=spec.positive_label,
                       sensitive=spec.sensitive, features=spec.features)
