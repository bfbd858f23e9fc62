"""Data screen, part two: the column-role pickers and the per-group overview.

Widget keys carry the table fingerprint, so choices made for one table never linger on another.
"""

from __future__ import annotations

import streamlit as st

from fairdash import data as fd_data
from fairdash.data import ColumnRoles
from fairdash.ui import format as fmt

NO_SCORE = "(none: train or upload a model)"


def roles_picker(frame, table_hash: str, current: ColumnRoles | None, flags: dict,
                 rescale_now: bool) -> tuple | None:
    """Target, positive label, sensitive columns, features and an optional score column.

    Returns
    -------
    (ColumnRoles, rescale) when the user presses "Apply roles", else None.
    """
    current = current or ColumnRoles(str(frame.columns[0]), None, (), ())
    cols = [str(c) for c in frame.columns]
    key = table_hash
    left, right = st.columns(2)
    target = left.selectbox("Target (the outcome)", cols, index=cols.index(current.target)
                            if current.target in cols else 0, key=f"w_target_{key}")
    continuous = fd_data.infer_task(frame[target]) == "continuous"
    if continuous:  # no positive label for a number: the audit compares errors and predictions
        positive = None
        left.caption("Continuous target: regression audit. FairDash compares each group's "
                     "errors and distribution of predictions, so no positive label is needed.")
    else:
        values = sorted(map(str, frame[target].dropna().unique()))[:50]
        default_pos = current.positive_label if current.positive_label in values and \
            target == current.target else fd_data.default_positive_label(frame[target])
        positive = left.selectbox("Positive label (the outcome predicted as 1)", values or [""],
                                  index=values.index(default_pos) if default_pos in values
                                  else 0, key=f"w_positive_{key}_{target}")
    others = [c for c in cols if c != target]
    sensitive = right.multiselect(
        "Sensitive column(s); several form intersectional groups", others,
        default=[c for c in current.sensitive if c in others], key=f"w_sensitive_{key}")
    score_opts = [NO_SCORE] + [c for c in others if frame[c].dtype.kind in "biuf"]
    score = right.selectbox("Score or prediction column (optional)", score_opts,
                            index=score_opts.index(current.score_column)
                            if current.score_column in score_opts else 0, key=f"w_score_{key}")
    rescale = False if continuous else right.checkbox(
        "Rescale scores outside [0, 1] to [0, 1] (min-max)", value=rescale_now,
        key=f"w_rescale_{key}")
    features = st.multiselect("Feature columns the model may use", others,
                              default=[c for c in current.features if c in others],
                              key=f"w_features_{key}")
    if flags:
        st.caption("Flagged, so left out unless you add them: " +
                   "; ".join(f"{fmt.code(c)} ({fmt.md(why)})" for c, why in flags.items()) + ".")
    if not st.button("Apply roles", type="primary", key=f"w_apply_{key}"):
        return None
    score_col = None if score == NO_SCORE else score
    features = tuple(c for c in features if c != score_col)
    return ColumnRoles(target, positive, tuple(sensitive), features, score_col), rescale


def _overview_columns() -> dict:
    pct = {c: st.column_config.NumberColumn(c.replace("_", " "), format="percent")
           for c in ("share", "base_rate", "base_rate_low", "base_rate_high")}
    count = {c: st.column_config.NumberColumn(format="localized")
             for c in ("positives", "train", "calibration", "test")}
    return {"n": st.column_config.NumberColumn("rows", format="localized"), **pct, **count}


def group_overview(ds) -> None:
    """Group sizes, base rates (or the target per group) and the split per group."""
    if ds.task == "regression":
        st.subheader("Groups: sizes, the target per group and the train / calibration / test "
                     "split")
        st.caption(f"Continuous target {fmt.code(ds.roles.target)}: a regression audit. Mean "
                   "with a 95 % normal interval. The split is stratified by group × (target "
                   "above its median), 60/20/20, seeded, so every group keeps its high and low "
                   "values in each part.")
        number = {c: st.column_config.NumberColumn(c.replace("_", " "), format="%.4g")
                  for c in ("mean_target", "mean_target_low", "mean_target_high",
                            "median_target")}
        config = {"n": st.column_config.NumberColumn("rows", format="localized"),
                  "share": st.column_config.NumberColumn("share", format="percent"), **number}
    else:
        st.subheader("Groups: sizes, base rates and the train / calibration / test split")
        st.caption("Base rate = share of the group whose true outcome is the positive label, "
                   "with a 95 % Wilson interval. The split is stratified by group × label "
                   "(60/20/20, seeded), so every group keeps its base rate in each part. Every "
                   "screen audits the test part.")
        config = _overview_columns()
    overview = fd_data.group_overview(ds)
    st.dataframe(overview, width="stretch", column_config=config,
                 height=min(38 + 35 * len(overview), 600))  # with its column formats
