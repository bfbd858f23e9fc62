"""Outputs of the Mitigate page: what a method does, and before/after side by side."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from fairdash.data import ColumnRoles, sample_roles
from fairdash.ui import cache, state
from fairdash.ui.render import _num

#: per-group rates drawn before/after
BEFORE_AFTER_RATES = {"selection_rate": "Selection rate", "tpr": "True positive rate",
                      "fpr": "False positive rate"}

#: gaps compared in the before/after table (the audit's main ones)
COMPARED_GAPS = ("demographic_parity_difference", "demographic_parity_ratio",
                 "equal_opportunity_difference", "equalized_odds_difference",
                 "average_odds_difference", "predictive_parity_difference",
                 "accuracy_score_difference")


def start_compas_demo() -> None:
    """Make COMPAS's deployed decile_score, grouped by race, with the barycenter repair the
    active setting (the demo the Mitigate page offers)."""
    roles = sample_roles("compas")
    roles = ColumnRoles(roles.target, roles.positive_label, ("race_binary",), roles.features,
                        "decile_score")
    state.set_source(state.DataSource("sample", "compas"), roles)
    state.set_roles(roles, rescale=True)
    state.set_model(state.ModelChoice("scores", "decile_score"))
    activate("barycenter", 1.0)


def activate(name: str, strength: float) -> None:
    """Make registered method ``name`` at ``strength`` the active mitigation, and show it in
    the Mitigate page's widgets (set directly: with keys, the browser would otherwise keep
    showing the previous method and strength)."""
    from fairdash.mitigation import get_method

    method = get_method(name)
    state.set_mitigation(state.MitigationChoice(name, float(strength)))
    st.session_state.update(w_criterion=method.criterion, w_stage=method.stage,
                            w_mitigation=name, w_strength=float(strength))


def fit_with_progress(scored, method, strength):
    """The cached mitigation; methods that train show a status box while they do."""
    if method.stage == "post":  # milliseconds: no box, so the slider answers at once
        return cache.mitigation(scored, method.name, strength)
    slot = st.empty()
    n = int(scored.dataset.rows("train").sum())
    with slot.status(f"Training with {method.label} at strength {strength:.2f} on {n:,} "
                     "rows (cached afterwards) ...", expanded=False):
        result = cache.mitigation(scored, method.name, strength)
    slot.empty()
    return result


def method_card(method, result) -> None:
    """Two plain sentences on what the method does and assumes, and its knob as fitted."""
    st.markdown(f"**What it does.** {method.what}  \n**What it assumes.** {method.assumes}")
    facts = [
        f"Stage: {method.stage}-processing",
        "needs each person's group when deciding" if method.needs_sensitive_at_predict
        else "does not need the group when deciding",
        "randomises decisions (expected rates shown)" if method.randomised
        else "deterministic decisions",
        f"fitted on the {result.fit_split} split",
    ]
    native = ", ".join(f"{k} = {_fmt(v)}" for k, v in result.native.items())
    st.caption(" · ".join(facts) + (f" · native knob: {native}" if native else "")
               + f" · {method.paper}")
    for warning in result.warnings:
        st.warning(warning)


def _fmt(v) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(f"{x:.3g}" for x in v) + "]"
    return f"{v:.3g}"


def performance_table(ba, task: str) -> None:
    """Overall performance before and after, with the change, on the test rows."""
    from fairdash.mitigation import PERFORMANCE, REGRESSION_PERFORMANCE

    labels = REGRESSION_PERFORMANCE if task == "regression" else PERFORMANCE
    rows = [{"measure": labels[name], "before": _num(r["before"]),
             "after": _num(r["after"]), "change": _signed(r["change"])}
            for name, r in ba.performance.iterrows()]
    st.table(pd.DataFrame(rows).set_index("measure"))
    what = "predictions" if task == "regression" else "decisions"
    randomised = task != "regression" and getattr(ba.after, "threshold", 0) is None
    st.caption(f"{ba.rows:,} held-out test rows; {ba.changed:,.0f} {what} "
               f"({ba.changed / max(ba.rows, 1):.1%}) differ from the base model's"
               + (" (expected number: decisions are drawn at random)." if randomised else "."))


def _signed(v) -> str:
    return "n/a" if v is None or np.isnan(v) else f"{v:+.3f}"


def gap_comparison(ba, task: str) -> None:
    """The main gaps before and after, each with its 95 % bootstrap interval."""
    rows = []
    names = list(ba.before.gaps.index) if task == "regression" else COMPARED_GAPS
    for name in names:
        b, a = ba.before.gaps.loc[name], ba.after.gaps.loc[name]
        rows.append({"criterion": b["label"], "before": _ci(b), "after": _ci(a),
                     "change": _signed(a["value"] - b["value"]),
                     "p-value after": _num(a["p_value"])})
    st.table(pd.DataFrame(rows).set_index("criterion"))
    st.caption("Differences are max − min over groups: smaller is fairer by that criterion"
               + ("" if task == "regression" else "; the ratio is min / max: closer to 1 is "
                  "fairer") + ". Intervals: 1,000 bootstrap resamples; p-value: "
               "chance of a gap this large if groups did not matter (permutation test).")


def _ci(row) -> str:
    return f"{_num(row['value'])} ({_num(row['ci_low'])} to {_num(row['ci_high'])})"


#: distribution gaps of scores or predictions: name -> (label, plain meaning)
DISTRIBUTION_LABELS = {
    "mean_gap": ("Mean gap", "highest group's average score minus the lowest's"),
    "ks": ("Kolmogorov-Smirnov", ("largest difference between two groups' shares of scores "
                                 "below any value (0 = same distribution)")),
    "wasserstein_1": ("Wasserstein-1", ("how far one group's scores must move on average to "
                                       "match another's")),
    "barycenter_unfairness": ("Barycenter unfairness", ("group-weighted squared distance to "
                                                       "the groups' average distribution")),
}


def distribution_comparison(ba) -> None:
    """Whether the scores themselves still depend on the group, before and after."""
    if ba.distribution is None:
        return
    rows = [{"measure": DISTRIBUTION_LABELS[name][0], "before": _num(r["before"]),
             "after": _num(r["after"]), "what it measures": DISTRIBUTION_LABELS[name][1]}
            for name, r in ba.distribution.iterrows()]
    st.markdown("**Does the score still depend on the group?** (test rows, no threshold "
                "involved)")
    st.table(pd.DataFrame(rows).set_index("measure"))
