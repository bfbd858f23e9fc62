"""Model: train a built-in model, upload one saved with skops, or use given predictions."""

import streamlit as st

from fairdash.exceptions import FairDashError
from fairdash.ui import cache, render, state, widgets

st.title("Model")
ds = render.guard_dataset()
roles = state.roles()

kind = widgets.model_picker()
if kind.startswith("Train"):
    name = widgets.builtin_picker(ds.task)
    state.set_model(state.ModelChoice("builtin", name))
    st.caption(f"Trained on the train split ({int(ds.rows('train').sum()):,} rows) with the "
               f"{len(roles.features)} feature columns chosen on the Data page; categorical "
               "columns are one-hot or ordinal encoded and missing values imputed.")
elif kind.startswith("Upload"):
    st.info("Only models saved with skops load here (`skops.io.dump(model, 'model.skops')`). "
            "Pickle and joblib files are refused: opening one runs any code hidden in it.")
    file = st.file_uploader("Model file (.skops)", key="w_model_upload")
    if file is not None:
        try:
            estimator, key = cache.load_uploaded_model(file.getvalue(), file.name)
        except FairDashError as exc:
            st.error(str(exc))
        else:
            state.set_model(state.ModelChoice("upload", file.name, key), estimator)
else:
    if not roles.score_column:
        render.stop_with("Choose a score or prediction column under Column roles on the Data "
                         "page first.", render.DATA_PAGE, "Choose a score column")
    state.set_model(state.ModelChoice("scores", roles.score_column))

scored = render.guard_scores()
st.success(scored.description)
render.model_summary(scored)
render.model_download(scored)
st.page_link("app_pages/audit.py", label="Next: audit the model", icon=":material/arrow_forward:")
