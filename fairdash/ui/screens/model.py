"""Model: train a built-in model, upload one saved with skops, or use given predictions."""

from __future__ import annotations

import streamlit as st

from fairdash import models as fd_models
from fairdash.exceptions import FairDashError
from fairdash.ui import format as fmt
from fairdash.ui import shared, shell, state

KINDS = ("Train a built-in model", "Upload a model (skops file)",
         "Predictions only (a score or decision column)")
BOUNTY = "Bias-bounty decision list (from the Subgroups screen)"
KIND_INDEX = {"builtin": 0, "upload": 1, "scores": 2, "bounty": 3}


def render() -> None:
    """The Model screen."""
    st.title("Model")
    ds = shell.guard_dataset()
    roles, choice = state.roles(), state.model()
    kinds = KINDS + ((BOUNTY,) if choice and choice.kind == "bounty" else ())
    kind = st.radio("Where predictions come from", kinds,
                    index=KIND_INDEX[choice.kind] if choice else 0, key="w_model_kind")
    if kind == BOUNTY:
        st.caption("Built on the Subgroups screen: each accepted group is decided by its own "
                   "model, every other row by the model the bounty started from.")
    elif kind == KINDS[0]:
        models = fd_models.builtin_models(ds.task)
        names = list(models)
        current = choice.name if choice and choice.kind == "builtin" and choice.name in names \
            else names[0]
        name = st.selectbox("Model", names, index=names.index(current), format_func=models.get,
                            key="w_builtin" if ds.task == "classification"
                            else "w_builtin_regression")
        state.set_model(state.ModelChoice("builtin", name))
        st.caption(f"Trained on the train split ({int(ds.rows('train').sum()):,} rows) with the "
                   f"{len(roles.features)} feature columns chosen on the Data screen; "
                   "categorical columns are one-hot or ordinal encoded and missing values "
                   "imputed.")
    elif kind == KINDS[1]:
        _upload()
    else:
        if not roles.score_column:
            shell.stop_with("Choose a score or prediction column under Column roles on the "
                            "Data screen first.", shell.DATA_PAGE, "Choose a score column")
        state.set_model(state.ModelChoice("scores", roles.score_column))
    scored = shell.guard_scores()
    st.success(fmt.md(scored.description))
    _summary(scored)
    _download(scored)
    st.page_link(shell.AUDIT_PAGE, label="Next: audit the model",
                 icon=":material/arrow_forward:")


def _upload() -> None:
    st.info("Only models saved with skops load here (`skops.io.dump(model, 'model.skops')`). "
            "Pickle and joblib files are refused: opening one runs any code hidden in it.")
    file = st.file_uploader("Model file (.skops)", key="w_model_upload")
    if file is None:
        return
    data = file.getvalue()
    try:
        estimator = fd_models.load_model_bytes(data, file.name)
    except FairDashError as exc:
        st.error(f"{fmt.md(exc)} The active model stays as it was.")
        return
    state.set_model(state.ModelChoice("upload", file.name, shared.content_key(data)), estimator)


def _summary(scored) -> None:
    """Overall performance of the active model on the audited rows."""
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Audited rows", f"{scored.n:,}")
    if scored.task == "regression":
        overall = shared.regression_audit(scored).overall
        target = scored.dataset.roles.target
        c2.metric(f"MAE ({target})", fmt.sig(overall["mae"]),
                  help="Mean absolute error: the typical distance between prediction and truth.")
        c3.metric(f"RMSE ({target})", fmt.sig(overall["rmse"]),
                  help="Root mean squared error: like MAE, but large errors weigh more.")
        c4.metric("R²", fmt.sig(overall["r2"]),
                  help="Share of the target's variance the model explains: 1 is perfect, 0 is "
                       "no better than predicting the mean.")
        return
    t = state.threshold()
    result = shared.audit(scored, t)
    c2.metric(f"Accuracy at threshold {t:.2f}", fmt.pct(result.overall["accuracy"]))
    if not scored.decisions_only:
        c3.metric("AUC (groups pooled)", fmt.num(shared.overall_auc(scored)),
                  help="Probability that a random positive row scores above a random negative "
                       "one; 0.5 is chance.")
    c4.metric(f"Share predicted positive at {t:.2f}", fmt.pct(result.overall["selection_rate"]),
              help=f"True base rate: {fmt.pct(result.overall['base_rate'])}")


@st.cache_data(max_entries=8, show_spinner=False)
def _model_bytes(dataset_key: str, model_key: str, _model) -> bytes:
    return fd_models.save_model_bytes(_model)


def _download(scored) -> None:
    """Offer the trained built-in model as a skops file."""
    choice = state.model()
    if choice.kind != "builtin":
        return
    model = shared.builtin_model(scored.dataset, choice.name)
    st.download_button("Download this model (.skops)",
                       _model_bytes(scored.dataset.fingerprint, scored.model_key, model),
                       file_name="fairdash-model.skops", mime="application/octet-stream",
                       key="dl_model")
    if choice.name not in ("logreg", "linear"):
        st.caption("skops does not trust tree structures by default (a crafted file could crash "
                   "the process that loads it), so FairDash's upload refuses tree models, this "
                   "one included. Load it in your own Python with `skops.io.load(path, "
                   "trusted=skops.io.get_untrusted_types(file=path))` only if you trust its "
                   "source.")
