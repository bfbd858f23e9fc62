"""Audit screen: pass/fail rules on the gaps, the same as ``audit --fail-on`` in a pipeline."""

from __future__ import annotations

import streamlit as st

from fairdash import metrics as fd_metrics
from fairdash.ui import format as fmt
from fairdash.ui import state


def rules(gaps) -> list:
    """The session's rules parsed for an audit measuring ``gaps`` (bad ones are said and
    skipped)."""
    texts, _ = state.gate()
    parsed = []
    for text in texts:
        try:
            parsed.append(fd_metrics.parse_gate(text, gaps=tuple(gaps), flag="Rule"))
        except ValueError as exc:
            st.error(fmt.md(str(exc)), icon=":material/rule:")
    return parsed


def badges(result) -> list:
    """One pass/fail badge per rule, judged on ``result``'s gaps; returns the verdicts."""
    parsed = rules(result.gaps.index)
    if not parsed:
        return []
    verdicts = fd_metrics.check_gates(result.to_dict()["gaps"], parsed, state.gate()[1])
    failed = sum(v.failed for v in verdicts)
    st.markdown(f"**Pass/fail rules**: {len(verdicts) - failed} of {len(verdicts)} pass"
                + (" (judged on the 95 % interval)" if state.gate()[1] else ""))
    st.markdown("\n".join(
        f"- {':red-badge[:material/close: FAIL]' if v.failed else ':green-badge[:material/check: pass]'}"
        f" {fmt.md(v.sentence().split(' ', 1)[1])}" for v in verdicts))
    return verdicts


def editor() -> None:
    """Set the rules: one per line, and whether to judge them on the interval."""
    texts, on_interval = state.gate()
    with st.expander("Pass/fail rules (the same as `--fail-on` in a pipeline)",
                     expanded=False):
        st.caption("One rule per line, a gap name from the table with >, >=, < or <= and a "
                   "bound: demographic_parity_difference>0.1 fails when that gap is above "
                   "0.1; demographic_parity_ratio<0.8 when the ratio falls under 0.8. A gap "
                   "that cannot be measured fails.")
        with st.form("w_audit_gate"):
            text = st.text_area("Rules", "\n".join(texts), key="w_audit_gate_text",
                                placeholder="demographic_parity_difference>0.1\n"
                                            "equalized_odds_difference>0.05")
            ci = st.checkbox("Judge on the 95 % interval: fail only when all of it is past "
                             "the bound", on_interval, key="w_audit_gate_ci")
            if st.form_submit_button("Apply the rules"):
                state.set_gate(text.splitlines(), ci)
                st.rerun()
