"""Report: one self-contained HTML file to hand a stakeholder (``fairdash.report``).

The file holds a plain-language summary first, then the audit with a threshold control that
still moves offline, and the parts chosen here: the active mitigation before and after with who
paid, the tradeoff chart, the Compare screen's model update. Its numbers are this session's:
the same data, model, threshold and rules as the other screens, taken from the shared caches.
"""

from __future__ import annotations

import time

import streamlit as st

from fairdash.exceptions import FairDashError
from fairdash.ui import format as fmt
from fairdash.ui import shared, shell, state

SCREEN = "report"


def render() -> None:
    """The Report screen."""
    st.title("Report for a stakeholder")
    scored = shell.guard_scores()
    shell.guard_classification(scored, "The report")
    st.write("One HTML file that opens in any browser without FairDash or a network: a "
             "one-screen summary in plain words (which groups, which gaps, how large, how "
             "sure, what was done and who paid), then the detail. The reader can still move "
             "the decision threshold in it; printing it (or Save as PDF) gives clean pages.")
    threshold = 0.5 if scored.decisions_only else state.threshold()
    shell.audited_rows_caption(scored)
    if not scored.decisions_only:
        st.caption(f"Decisions at the threshold {threshold:.2f} set on the Audit screen (the "
                   "reader can move it in the report).")
    parts = _parts(scored)
    title = st.text_input("Title", f"Fairness report: {shell.active_data_name()}",
                          key="w_report_title", max_chars=120)
    rules, on_interval = state.gate()
    st.caption(("Pass/fail rules (set on the Audit screen): " + ", ".join(
        fmt.code(r) for r in rules) + (" judged on the 95 % interval" if on_interval else ""))
               if rules else "No pass/fail rules: set them on the Audit screen to show "
                             "badges in the report.")
    key = (scored.dataset.fingerprint, scored.model_key, threshold, parts, title,
           state.gate(), state.mitigation(), state.comparison())
    if st.button("Build the report", key="w_report_build", type="primary"):
        with st.status("Building the report ...", expanded=False) as status:
            start = time.perf_counter()
            try:
                html = _build(scored, threshold, parts, title, status)
            except FairDashError as exc:
                status.update(label="The report could not be built", state="error")
                st.error(fmt.md(str(exc)))
                return
            state.remember(SCREEN, "html", (key, html, time.perf_counter() - start))
            status.update(label="The report is ready", state="complete")
    held = state.screen_memory(SCREEN, "html")
    if held is None or held[0] != key:
        if held is not None:
            st.caption("The view changed since the last report: build it again to include "
                       "the change.")
        return
    _, html, seconds = held
    size = len(html.encode("utf-8"))
    st.success(f"Report built in {seconds:.1f} s: {size / 2**20:.1f} MB, one file.",
               icon=":material/description:")
    st.download_button("Download the report (HTML)", html, file_name="fairdash-report.html",
                       mime="text/html", key="w_report_download", type="primary")
    if st.toggle("Show a preview here", key="w_report_preview"):
        st.components.v1.html(html, height=900, scrolling=True)


def _parts(scored) -> tuple:
    """What to include beyond the summary, audit, data, model and provenance."""
    st.markdown("**Include**")
    chosen = []
    active = state.mitigation()
    if active is not None:
        from fairdash.mitigation import get_method

        if st.checkbox(f"The active mitigation: {get_method(active.name).label} at strength "
                       f"{active.strength:g}, before and after, and who paid for it", True,
                       key="w_report_mitigation"):
            chosen.append("mitigation")
    else:
        st.caption("No active mitigation: choose one on Mitigate or Tradeoffs to report it.")
    if st.checkbox("The tradeoff chart of the post-processing fronts (the active mitigation "
                   "ringed when it is on one)", True, key="w_report_tradeoff"):
        chosen.append("tradeoff")
    pair = state.comparison()
    if pair is not None:
        from fairdash.compare import parse_spec

        old, new = (parse_spec(t).label() for t in pair)
        if st.checkbox(f"The model update from the Compare screen: {old} → {new}", True,
                       key="w_report_comparison"):
            chosen.append("comparison")
    else:
        st.caption("No model update: pick two models on Compare to report what it breaks.")
    if st.checkbox("Groups nobody named: slices of the test rows with a higher error rate, "
                   "confirmed on held-out rows (the Subgroups screen's search)", False,
                   key="w_report_slices"):
        chosen.append("slices")
    return tuple(chosen)


def _build(scored, threshold: float, parts: tuple, title: str, status) -> str:
    """The HTML of the report, from the shared caches where the screens filled them."""
    from fairdash.compare import parse_spec
    from fairdash.report import Comparison, build_report, tradeoff_input

    kw = {}
    active = state.mitigation()
    if "mitigation" in parts and active is not None:
        status.update(label="Building the report: the mitigation ...")
        kw["mitigation"] = shared.mitigation(scored, active.name, active.strength, threshold)
    if "tradeoff" in parts:
        status.update(label="Building the report: the tradeoff fronts ...")
        kw["tradeoff"] = tradeoff_input(
            scored.dataset, scored.all_scores, threshold=threshold,
            selected=(active.name, active.strength) if active is not None else None)
    pair = state.comparison()
    if "comparison" in parts and pair is not None:
        from fairdash.compare import flip_report
        from fairdash.mitigation import EVALUATION_SPLIT

        status.update(label="Building the report: the model update ...")
        old, new = (parse_spec(t) for t in pair)
        ds, mask = scored.dataset, scored.dataset.rows(EVALUATION_SPLIT)
        a, b = (shared.decisions(scored, spec, threshold)[mask] for spec in (old, new))
        groups = ds.group_labels[ds.group_codes[mask]]
        kw["comparison"] = Comparison(flip_report(ds.y[mask], a, b, sensitive_features=groups,
                                                  index=ds.frame.index[mask]),
                                      old.label(), new.label())
    if "slices" in parts:
        from fairdash.subgroups import find_slices

        status.update(label="Building the report: the slice search ...")
        kw["slices"] = find_slices(scored.dataset, scored.all_scores, threshold=threshold)
    rules, on_interval = state.gate()
    extra = shared.gate_args()
    if "mitigation" in kw:
        extra += ("--mitigation", f"{active.name}@{active.strength:g}")
    if "comparison" in kw:
        extra += ("--compare", ",".join(pair))
    extra += ("--tradeoff",) * ("tradeoff" in kw) + ("--slices",) * ("slices" in kw)
    extra += ("-o", "report.html")
    status.update(label="Building the report: the audit and the page ...")
    return build_report(scored.dataset, scored.all_scores, threshold=threshold,
                        provenance=shared.provenance_of(scored, threshold, extra, "report"),
                        model_name=scored.description.split(",")[0],
                        gate_rules=rules, gate_on_interval=on_interval, title=title,
                        positive_meaning=shell.positive_meaning(), **kw)
