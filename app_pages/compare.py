"""Compare: what a model update fixes and breaks, for whom (negative flips per group)."""

import streamlit as st

from fairdash.exceptions import FairDashError
from fairdash.ui import cache, render, render_compare, state

st.title("Compare")
scored = render.guard_scores()
ds = scored.dataset
if ds.task == "regression":
    render.stop_with("Flips compare yes/no decisions; choose a yes/no target on the Data page.",
                     render.DATA_PAGE, "Open the Data page")
threshold = state.threshold()
st.caption(f"Base: {scored.description} Both models decide at the Audit page's threshold "
           f"{threshold:.2f} on the held-out test split ({int(ds.rows('test').sum()):,} rows). "
           "A negative flip is a person the old model decided right and the new one decides "
           "wrong: an update can raise accuracy and close gaps while failing people it used "
           "to serve.")
old, new = render_compare.pickers(scored)
state.set_comparison((old.text(), new.text()))
try:
    with st.spinner("Scoring both models (training ones are cached afterwards) ..."):
        report, audits = cache.comparison(scored, old, new, threshold)
except FairDashError as exc:
    st.error(str(exc))
    st.stop()
render_compare.headline(report, old, new)
left, right = st.columns([2, 3])
with left:
    st.subheader("Flip matrix")
    render_compare.flip_matrix(report)
with right:
    render_compare.who_pays(report)
st.subheader("Per group")
render_compare.groups_table(report, audits)
render_compare.download(report, ds)
