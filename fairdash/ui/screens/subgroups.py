"""Subgroups: find the groups nobody named where the model fails, confirm them on fresh rows,
audit one, and patch it through a bias bounty (docs/methods.md §8)."""

from __future__ import annotations

from collections import OrderedDict

import pandas as pd
import streamlit as st

from fairdash import viz
from fairdash.exceptions import FairDashError
from fairdash.subgroups import RATES, find_slices
from fairdash.ui import format as fmt
from fairdash.ui import shell, state
from fairdash.ui.screens import subgroups_bounty

SCREEN = "subgroups"
FDRS = (0.01, 0.05, 0.10)
SCORE_LABELS = {"fairdash": "Effect on the rest (FairDash: a z score)",
                "sliceline": "SliceLine's score (Sagadeeva & Boehm 2021)"}


def render() -> None:
    """The Subgroups screen."""
    st.title("Subgroups")
    st.write("The audit compares the groups you named. Harm often sits in groups nobody named: "
             "combinations of a few conditions on any column where the model fails more often "
             "than on everyone else. This screen searches for them, checks each on rows the "
             "search never saw, and lets you patch one through a bias bounty.")
    scored = shell.guard_scores()
    shell.audited_rows_caption(scored)
    st.info("A slice found here is a hypothesis about where to look, not a cause: it says the "
            "model errs more often on these people, not why, and a column in the rule may only "
            "stand in for something else.", icon=":material/lightbulb:")
    options = _controls(scored.task)
    threshold = 0.5 if scored.decisions_only or scored.task == "regression" \
        else state.threshold()
    try:
        result = _search(scored, threshold, options)
    except FairDashError as exc:
        st.error(str(exc))
        return
    rule = _results(result, options, scored.task)
    subgroups_bounty.render(scored, rule)


def _controls(task: str) -> dict:
    rates = ["mae"] if task == "regression" else [r for r in RATES if r != "mae"]
    c1, c2, c3, c4 = st.columns(4)
    rate = c1.selectbox("Rate to look for", rates, format_func=lambda r: RATES[r][0],
                        key="w_subgroups_rate",
                        help="Slices where this rate is higher than on every other row.")
    depth = c2.slider("Conditions per slice (at most)", 1, 3, 3, key="w_subgroups_depth")
    support = c3.slider("Smallest slice (% of the searched rows)", 1, 20, 1,
                        key="w_subgroups_support",
                        help="And never fewer than 30 rows: smaller slices are too noisy.")
    fdr = c4.selectbox("False discovery rate", FDRS, index=1, format_func=lambda q: f"{q:.0%}",
                       key="w_subgroups_fdr",
                       help="Of the slices called confirmed, at most this share is expected to "
                            "be false alarms (Benjamini-Hochberg).")
    score = st.radio("Rank slices by", list(SCORE_LABELS), format_func=SCORE_LABELS.get,
                     horizontal=True, key="w_subgroups_score")
    return {"rate": rate, "max_depth": int(depth), "min_support": support / 100,
            "fdr": float(fdr), "score": score}


@st.cache_resource(show_spinner=False)
def _searches() -> OrderedDict:
    """Finished searches keyed on content and options, shared across sessions (at most
    :data:`KEPT`). Not a cached function: the search reports progress to the screen, which a
    cached function could not replay."""
    return OrderedDict()


KEPT = 16


def _search(scored, threshold: float, options: dict):
    """The slice search on the audited rows (kept), with a progress bar while it runs."""
    key = (scored.dataset.fingerprint, scored.model_key, float(threshold),
           tuple(sorted(options.items())))
    kept = _searches()
    if key in kept:
        kept.move_to_end(key)
        return kept[key]
    bar = st.progress(0.0, text="Searching slices ...")
    result = find_slices(scored.dataset, scored.all_scores, threshold=threshold,
                         progress=lambda f, text: bar.progress(min(max(float(f), 0.0), 1.0),
                                                               text=text), **options)
    bar.empty()
    kept[key] = result
    while len(kept) > KEPT:
        kept.popitem(last=False)
    return result


def _results(result, options: dict, task: str) -> str | None:
    """The confirmed slices as a chart and a table; returns the rule the user picked."""
    slices = result.slices  # rules with the same rows are folded into one already
    confirmed = slices[slices["confirmed"]]
    label = RATES[options["rate"]][0]
    half = int(result.confirmation.sum())
    st.subheader("Slices where the model fails more often")
    st.caption(f"The search counted {result.evaluated:,} slices on one half of the test rows "
               f"and kept the {result.tested:,} strongest; checked on the other half "
               f"({half:,} rows), {len(confirmed):,} hold at a false discovery rate of "
               f"{options['fdr']:.0%}. "
               "Each row: the slice's rate on the checking half against every other row there, "
               "the gap with its 95 % interval, and its q-value.")
    shell.warnings(result.warnings)
    if not len(confirmed):
        st.success(f"No slice's {label} is clearly higher than the rest's at this false "
                   "discovery rate. The strongest candidates are listed below; none of them "
                   "held up on the rows the search did not see.")
    shown = confirmed.head(10) if len(confirmed) else slices.head(10)
    if len(shown):
        st.plotly_chart(viz.slice_rates_figure(shown, label, percent=task != "regression"),
                        key="fig_slices")
    with st.expander(f"Every slice tested ({len(slices):,})", expanded=not len(confirmed)):
        st.dataframe(_table(slices, task), width="stretch", height=320)
    if not len(shown):
        return None
    rules = list(shown["rule"])
    words = dict(zip(shown["rule"], shown["words"]))
    # back from the Audit screen (which forgets this screen's widgets): the audited slice
    state.keep_valid(SCREEN, "w_subgroups_pick", rules,
                     state.audit_slice() if state.audit_slice() in rules else rules[0])
    rule = st.selectbox("Slice to act on", rules, format_func=words.get,
                        key="w_subgroups_pick")
    if st.button("Audit this slice against the rest", key="w_subgroups_audit",
                 icon=":material/balance:",
                 help="Opens the Audit screen with two groups: the slice and everyone else."):
        state.set_audit_slice(rule)
        st.switch_page(shell.AUDIT_PAGE)
    return rule


def _table(slices: pd.DataFrame, task: str) -> pd.DataFrame:
    value = fmt.sig if task == "regression" else fmt.pct
    return pd.DataFrame({
        "slice": slices["words"].to_numpy(),
        "rows (n)": [fmt.count(n) for n in slices["n"]],
        "rate in the slice": [value(v) for v in slices["rate"]],
        "rate on the rest": [value(v) for v in slices["rate_rest"]],
        "gap (95 % interval)": [f"{value(e)} ({value(lo)} to {value(hi)})" for e, lo, hi in
                                zip(slices["effect"], slices["ci_low"], slices["ci_high"])],
        "q-value": [f"{q:.2g}" for q in slices["q_value"]],
        "confirmed": ["yes" if c else "no" for c in slices["confirmed"]],
    })
