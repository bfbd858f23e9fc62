"""Mitigate screen, part two: the cached before/after and its tables, each change marked as
better or worse."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from fairdash.metrics import gap_change_verdict
from fairdash.ui import format as fmt
from fairdash.ui import shell

#: gaps compared in the before/after table (the audit's main ones)
COMPARED_GAPS = ("demographic_parity_difference", "demographic_parity_ratio",
                 "equal_opportunity_difference", "equalized_odds_difference",
                 "average_odds_difference", "predictive_parity_difference",
                 "accuracy_score_difference")
#: per-group rates drawn before/after
BEFORE_AFTER_RATES = {"selection_rate": "Selection rate", "tpr": "True positive rate",
                      "fpr": "False positive rate"}
#: performance measure -> which direction is better (None: neither, it is a rate)
BETTER = {"accuracy": "higher", "balanced_accuracy": "higher", "auc": "higher",
          "mae": "lower", "rmse": "lower", "r2": "higher"}
#: distribution gaps of scores or predictions: name -> (label, plain meaning)
DISTRIBUTION_LABELS = {
    "mean_gap": ("Mean gap", "highest group's average score minus the lowest's"),
    "ks": ("Kolmogorov-Smirnov", "largest difference between two groups' shares of scores "
                                 "below any value (0 = same distribution)"),
    "wasserstein_1": ("Wasserstein-1", "how far one group's scores must move on average to "
                                       "match another's"),
    "barycenter_unfairness": ("Barycenter unfairness", "group-weighted squared distance to "
                                                       "the groups' average distribution"),
}


@st.cache_data(max_entries=32, show_spinner=False)
def _base_audit(dataset_key, base_key, threshold, _dataset, _base_scores, decisions_only):
    from fairdash.mitigation import evaluate

    return evaluate(_dataset, _base_scores, decisions_only=decisions_only, threshold=threshold)


@st.cache_data(max_entries=128, show_spinner=False)
def _before_after(dataset_key, base_key, name, strength, threshold, _dataset, _base_scores,
                  _result, _before, decisions_only):
    from fairdash.mitigation import before_after as compute

    return compute(_dataset, _base_scores, _result, threshold=threshold,
                   base_decisions_only=decisions_only, before=_before)


def before_after(scored, result, threshold: float):
    """Audits of the base model and ``result`` on the test rows (cached; the base model's audit
    once per threshold, not once per strength)."""
    key = (scored.dataset.fingerprint, scored.model_key)
    before = _base_audit(*key, float(threshold), scored.dataset, scored.all_scores,
                         scored.decisions_only)
    return _before_after(*key, result.method.name, result.strength, float(threshold),
                         scored.dataset, scored.all_scores, result, before,
                         scored.decisions_only)


def gap_comparison(ba, task: str) -> None:
    """The main gaps before and after, each with its interval and a fairer/less fair cue."""
    rows = []
    names = list(ba.before.gaps.index) if task == "regression" else COMPARED_GAPS
    for name in names:
        b, a = ba.before.gaps.loc[name], ba.after.gaps.loc[name]
        verdict = gap_change_verdict(name, b["value"], a["value"])
        rows.append({"criterion": b["label"],
                     "before": fmt.ci(b["value"], b["ci_low"], b["ci_high"]),
                     "after": fmt.ci(a["value"], a["ci_low"], a["ci_high"]),
                     "change": fmt.change_with_cue(a["value"] - b["value"], verdict),
                     "p-value after": fmt.num(a["p_value"])})
    st.table(pd.DataFrame(rows).set_index("criterion"))
    st.caption("Differences: smaller is fairer. Ratios (min / max): closer to 1 is fairer. "
               "The change column says which way each one moved. Intervals: 1,000 bootstrap "
               "resamples; p-value: the chance of a gap this large if groups did not matter "
               "(permutation test).")


def performance_table(ba, task: str) -> None:
    """Overall performance before and after, with the change, on the test rows."""
    from fairdash.mitigation import PERFORMANCE, REGRESSION_PERFORMANCE

    labels = REGRESSION_PERFORMANCE if task == "regression" else PERFORMANCE
    rows = []
    for name, r in ba.performance.iterrows():
        delta = r["after"] - r["before"]
        better = BETTER.get(name)
        verdict = "n/a" if better is None or pd.isna(delta) else "unchanged" \
            if abs(delta) < 5e-4 else "better" if (delta > 0) == (better == "higher") \
            else "worse"
        rows.append({"measure": labels[name], "before": fmt.num(r["before"]),
                     "after": fmt.num(r["after"]),
                     "change": f"{fmt.signed(delta)} {fmt.CUES[verdict]}".strip()})
    st.table(pd.DataFrame(rows).set_index("measure"))
    what = "predictions" if task == "regression" else "decisions"
    randomised = task != "regression" and getattr(ba.after, "threshold", 0) is None
    st.caption(f"{ba.rows:,} held-out test rows; {ba.changed:,.0f} {what} "
               f"({ba.changed / max(ba.rows, 1):.1%}) differ from the base model's"
               + (" (expected number: decisions are drawn at random)." if randomised else "."))


def distribution_comparison(ba) -> None:
    """Whether the scores themselves still depend on the group, before and after."""
    if ba.distribution is None:
        return
    rows = [{"measure": DISTRIBUTION_LABELS[name][0], "before": fmt.num(r["before"]),
             "after": fmt.num(r["after"]), "what it measures": DISTRIBUTION_LABELS[name][1]}
            for name, r in ba.distribution.iterrows()]
    st.markdown("**Does the score still depend on the group?** (test rows, no threshold "
                "involved; 0 = the same in every group)")
    st.table(pd.DataFrame(rows).set_index("measure"))


def rate_groups(result) -> None:
    """Every rate per group after the mitigation, one group per row."""
    from fairdash.metrics import RATE_LABELS

    shell.group_dataframe(fmt.rate_table(result.groups, RATE_LABELS))


def regression_groups(result, target: str) -> None:
    """Every statistic per group after the mitigation (regression)."""
    from fairdash.metrics import REGRESSION_STATS

    groups = result.groups
    table = pd.DataFrame({"rows (n)": [fmt.count(n) for n in groups["n"]]},
                         index=pd.Index([str(g) for g in groups.index], name="group"))
    for stat, label in REGRESSION_STATS.items():
        unit = "" if stat == "r2" else f", {target}"
        table[f"{label}{unit}"] = [f"{fmt.sig(v)} ({fmt.sig(lo)} to {fmt.sig(hi)})" for v, lo, hi
                                   in zip(groups[stat], groups[f"{stat}_low"],
                                          groups[f"{stat}_high"])]
    shell.group_dataframe(table)
