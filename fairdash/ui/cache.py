"""Every Streamlit cache of FairDash, each bounded, keyed on hashable configuration.

Large objects (frames, datasets, models) are passed as ``_underscore`` arguments that
Streamlit does not hash; the key is the content fingerprint next to them. A fingerprint is a
hash of the data itself, so a cached entry is only reachable by a session holding the same
bytes. Cached models and frames are shared: treat them as read-only.
"""

from __future__ import annotations

import hashlib

import numpy as np
import streamlit as st

from fairdash import data as fd_data
from fairdash import metrics as fd_metrics
from fairdash import models as fd_models
from fairdash.exceptions import ModelError
from fairdash.ui import state


@st.cache_resource(max_entries=4, show_spinner=False)
def sample_frame(name: str):
    """A bundled sample as a DataFrame and its fingerprint (read-only, shared)."""
    frame = fd_data.load_sample(name)
    return frame, fd_data.table_fingerprint(frame)


@st.cache_data(max_entries=16, show_spinner=False)
def _column_summary(table_hash: str, target, _frame):
    return fd_data.column_summary(_frame, target)


@st.cache_resource(max_entries=8, show_spinner=False)
def _dataset(table_hash: str, roles, rescale: bool, _frame):
    return fd_data.build_dataset(_frame, roles, rescale_scores=rescale, table_hash=table_hash)


@st.cache_resource(max_entries=8, show_spinner=False)
def _builtin_model(dataset_key: str, name: str, _dataset):
    return fd_models.fit_builtin(_dataset, name)


@st.cache_resource(max_entries=8, show_spinner=False)
def _scores(dataset_key: str, model_key: str, _dataset, _model):
    return fd_models.score_dataset(_model, _dataset)


@st.cache_resource(max_entries=8, show_spinner=False)
def _score_index(dataset_key: str, model_key: str, split: str, _y, _scores, _codes, n: int):
    index = fd_metrics.ScoreIndex(_y, _scores, _codes, n)
    return index, index.auc()


@st.cache_data(max_entries=16, show_spinner=False)
def _overall_auc(dataset_key: str, model_key: str, split: str, _y, _scores) -> float:
    return float(fd_metrics.ScoreIndex(_y, _scores, np.zeros(len(_y), dtype=int), 1).auc()[0])


@st.cache_data(max_entries=256, show_spinner=False)
def _audit(dataset_key, model_key, split, threshold, method, reference, min_group_size,
           _index, _auc, _labels):
    return fd_metrics.audit_counts(
        _index.counts_at(threshold), _labels, auc=_auc, threshold=threshold, method=method,
        reference=reference, min_group_size=min_group_size)


@st.cache_data(max_entries=64, show_spinner=False)
def _regression_audit(dataset_key, model_key, split, min_group_size, _y, _predictions, _codes,
                      _labels):
    groups = np.asarray(_labels, dtype=object)[_codes]
    return fd_metrics.regression_audit(_y, _predictions, sensitive_features=groups,
                                       min_group_size=min_group_size)


@st.cache_data(max_entries=16, show_spinner=False)
def _prediction_histograms(dataset_key, model_key, split, _predictions, _codes, _labels):
    lo, hi = float(np.min(_predictions)), float(np.max(_predictions))
    return fd_metrics.score_histograms(_predictions, _codes, _labels,
                                       value_range=(lo, hi if hi > lo else lo + 1.0))


def active_table():
    """The active table and its fingerprint, from a sample or this session's upload."""
    src = state.source()
    if src.kind == "sample":
        return sample_frame(src.name)
    frame, table_hash = state.upload_frame()
    return frame, table_hash


def column_summary():
    """Column summary of the active table (cached by content)."""
    frame, table_hash = active_table()
    roles = state.roles()
    return _column_summary(table_hash, roles.target if roles else None, frame)


def active_dataset():
    """The validated Dataset for the active table and roles (raises FairDashError)."""
    frame, table_hash = active_table()
    return _dataset(table_hash, state.roles(), state.rescale_scores(), frame)


class Scored:
    """Scores of the active model on the audited rows, with what the page needs to say.

    Attributes
    ----------
    dataset : Dataset
    model_key : str
    split : str
        ``"test"`` for models trained here, ``"all"`` for uploaded models and given scores.
    mask : ndarray of bool
        Audited rows.
    scores : ndarray
        Scores (or 0/1 decisions) of the audited rows.
    decisions_only : bool
        True when only 0/1 decisions exist (no threshold to move).
    description : str
    """

    def __init__(self, dataset, model_key, split, mask, scores, decisions_only, description):
        self.dataset, self.model_key, self.split = dataset, model_key, split
        self.mask, self.scores = mask, scores
        self.decisions_only, self.description = decisions_only, description

    @property
    def y(self):
        return self.dataset.y[self.mask]

    @property
    def codes(self):
        return self.dataset.group_codes[self.mask]

    @property
    def labels(self):
        return self.dataset.group_labels

    def index(self):
        """Cached ScoreIndex and per-group AUC of these scores."""
        return _score_index(self.dataset.fingerprint, self.model_key, self.split, self.y,
                            self.scores, self.codes, len(self.labels))

    def overall_auc(self) -> float:
        """AUC on all audited rows, groups pooled (cached)."""
        return _overall_auc(self.dataset.fingerprint, self.model_key, self.split, self.y,
                            self.scores)

    @property
    def task(self) -> str:
        """``"classification"`` or ``"regression"`` (then ``scores`` are predictions)."""
        return self.dataset.task

    def regression_audit(self, min_group_size=30):
        """Cached regression audit of the predictions (regression datasets only)."""
        return _regression_audit(self.dataset.fingerprint, self.model_key, self.split,
                                 int(min_group_size), self.y, self.scores, self.codes,
                                 self.labels)

    def prediction_histograms(self):
        """Per-group histograms of the predictions over their range (cached)."""
        return _prediction_histograms(self.dataset.fingerprint, self.model_key, self.split,
                                      self.scores, self.codes, self.labels)

    def audit(self, threshold, method="between_groups", reference=None, min_group_size=30):
        """Cached audit at ``threshold``."""
        index, auc = self.index()
        t = 0.5 if self.decisions_only else float(threshold)
        return _audit(self.dataset.fingerprint, self.model_key, self.split, t, method,
                      reference, min_group_size, index, None if self.decisions_only else auc,
                      self.labels)


def active_scores(progress=None) -> Scored:
    """Score the active dataset with the active model, training it first when needed.

    Parameters
    ----------
    progress : callable(str), optional
        Told what is happening before slow steps (the page shows it in ``st.status``).
    """
    ds = active_dataset()
    choice = state.model()
    n_train = int(ds.rows("train").sum())
    if choice.kind == "scores":
        if ds.scores is None:
            raise ModelError("Choose a score or prediction column on the Data page first.")
        where = ds.audited_split(trained_here=False)
        what = "predictions" if ds.task == "regression" else \
            "decisions" if ds.scores_are_decisions else "scores"
        return Scored(ds, f"scores:{choice.name}", where, ds.rows(where), ds.scores,
                      ds.scores_are_decisions,
                      f"Given {what} from column '{choice.name}', audited on all "
                      f"{len(ds.y):,} rows.")
    if choice.kind == "upload":
        model, key = state.upload_model(), f"upload:{choice.key}"
        where = ds.audited_split(trained_here=False)
        desc = f"Uploaded model '{choice.name}', audited on all {len(ds.y):,} rows."
    else:
        models = fd_models.builtin_models(ds.task)
        if choice.name not in models:
            # a classifier left over from a binary target (or the reverse): use the task's
            # default model, and say so in the sidebar
            choice = state.ModelChoice("builtin", next(iter(models)))
            state.set_model(choice)
        key = f"builtin:{choice.name}"
        if progress:
            progress(f"Training {models[choice.name]} on {n_train:,} rows ...")
        model = _builtin_model(ds.fingerprint, choice.name, ds)
        where = ds.audited_split(trained_here=True)
        desc = (f"{models[choice.name]} trained on the train split "
                f"({n_train:,} rows), audited on the held-out test split "
                f"({int(ds.rows(where).sum()):,} rows).")
    mask = ds.rows(where)
    scores = _scores(ds.fingerprint, key, ds, model)[mask]
    return Scored(ds, key, where, mask, scores, False, desc)


def model_file_key(data: bytes) -> str:
    """Short content hash of uploaded model bytes."""
    return hashlib.sha1(data).hexdigest()[:16]


def clear_all() -> None:
    """Clear every cache (used by tests between runs)."""
    st.cache_data.clear()
    st.cache_resource.clear()


def validate(frame, table_hash: str, roles, rescale: bool):
    """Build (and cache) the Dataset for proposed roles; raises FairDashError if they do not fit."""
    return _dataset(table_hash, roles, rescale, frame)


def load_uploaded_model(data: bytes, filename: str):
    """Load an uploaded skops model for this session only (never cached across sessions).

    Returns
    -------
    (estimator, key) where ``key`` is a content hash of the file.
    """
    return fd_models.load_model_bytes(data, filename), model_file_key(data)


@st.cache_data(max_entries=8, show_spinner=False)
def _model_bytes(dataset_key: str, model_key: str, _model) -> bytes:
    return fd_models.save_model_bytes(_model)


def builtin_model_bytes(scored: Scored) -> bytes | None:
    """skops bytes of the active built-in model, for download; None for other model kinds."""
    choice = state.model()
    if choice.kind != "builtin":
        return None
    model = _builtin_model(scored.dataset.fingerprint, choice.name, scored.dataset)
    return _model_bytes(scored.dataset.fingerprint, scored.model_key, model)


@st.cache_data(max_entries=16, show_spinner=False)
def _histograms(dataset_key, model_key, split, _scores, _codes, _labels):
    return fd_metrics.score_histograms(_scores, _codes, _labels)


def histograms(scored: Scored):
    """Per-group score histograms of the audited rows (cached)."""
    return _histograms(scored.dataset.fingerprint, scored.model_key, scored.split, scored.scores,
                       scored.codes, scored.labels)


# ---- mitigation ----------------------------------------------------------------------------

def base_scores(scored: Scored):
    """Scores of the active model on every row (post-processing fits on the calibration rows,
    and before/after are measured on the test rows)."""
    ds, choice = scored.dataset, state.model()
    if choice.kind == "scores":
        return ds.scores
    if choice.kind == "upload":
        return _scores(ds.fingerprint, scored.model_key, ds, state.upload_model())
    model = _builtin_model(ds.fingerprint, choice.name, ds)
    return _scores(ds.fingerprint, scored.model_key, ds, model)


@st.cache_resource(max_entries=48, show_spinner=False)
def _mitigation(dataset_key: str, base_key: str, name: str, strength: float, base_name: str,
                _dataset, _base_scores):
    from fairdash.mitigation import mitigate

    return mitigate(_dataset, name, strength, base_scores=_base_scores, base_name=base_name,
                    base_key=base_key)


def mitigation(scored: Scored, name: str, strength: float):
    """The active model mitigated by registered method ``name`` at ``strength`` (cached per
    data, roles, base model, method and strength; raises FairDashError when it does not apply).
    """
    return _mitigation(scored.dataset.fingerprint, scored.model_key, name,
                       round(float(strength), 4), _base_name(scored), scored.dataset,
                       base_scores(scored))


@st.cache_data(max_entries=32, show_spinner=False)
def _base_audit(dataset_key, base_key, threshold, method, reference, min_group_size, _dataset,
                _base_scores, base_decisions_only):
    from fairdash.mitigation import evaluate

    return evaluate(_dataset, _base_scores, decisions_only=base_decisions_only,
                    threshold=threshold, method=method, reference=reference,
                    min_group_size=min_group_size)


@st.cache_data(max_entries=128, show_spinner=False)
def _before_after(dataset_key, base_key, name, strength, threshold, method, reference,
                  min_group_size, _dataset, _base_scores, _result, _before, base_decisions_only):
    from fairdash.mitigation import before_after

    return before_after(_dataset, _base_scores, _result, threshold=threshold,
                        base_decisions_only=base_decisions_only, before=_before, method=method,
                        reference=reference, min_group_size=min_group_size)


def before_after(scored: Scored, result, threshold, method="between_groups", reference=None,
                 min_group_size=30):
    """Audits of the base model and ``result`` on the held-out test rows (cached; the base
    model's audit once per threshold, not once per strength)."""
    key = (scored.dataset.fingerprint, scored.model_key)
    options = (float(threshold), method, reference, min_group_size)
    base = base_scores(scored)
    before = _base_audit(*key, *options, scored.dataset, base, scored.decisions_only)
    return _before_after(*key, result.method.name, result.strength, *options, scored.dataset,
                         base, result, before, scored.decisions_only)


def active_mitigation(scored: Scored):
    """The MitigationResult chosen on the Mitigate page, or None (for later pages)."""
    choice = state.mitigation()
    if choice is None:
        return None
    return mitigation(scored, choice.name, choice.strength)


# ---- tradeoffs -----------------------------------------------------------------------------

def _base_name(scored: Scored) -> str:
    """Built-in learner that pre-processing methods retrain (as the Mitigate page does)."""
    choice = state.model()
    fallback = "linear" if scored.dataset.task == "regression" else "logreg"
    return choice.name if choice.kind == "builtin" else fallback


def tradeoff_methods(scored: Scored) -> list:
    """Registered methods the active data and model allow, in registry order."""
    from fairdash.mitigation import methods_for

    ds = scored.dataset
    return methods_for(ds.task, has_features=bool(ds.roles.features)
                       and state.model().kind == "builtin",
                       n_sensitive=len(ds.roles.sensitive))


@st.cache_resource(max_entries=8, show_spinner=False)
def _fronts(dataset_key, base_key, threshold, points, names, _dataset, _base_scores):
    import warnings

    from fairdash import tradeoff

    rows = tradeoff.EvalRows.of(_dataset)
    out = [tradeoff.baseline_point(_dataset, _base_scores, threshold=threshold, rows=rows)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for name in names:
            out += tradeoff.fast_points(_dataset, name, tradeoff.default_strengths(name, points),
                                        _base_scores, threshold=threshold, rows=rows)
    said = list(dict.fromkeys(str(w.message) for w in caught
                              if issubclass(w.category, UserWarning)))
    return out, said


def tradeoff_fronts(scored: Scored, threshold: float, points: int):
    """Baseline and the single-fit post-processing fronts (cached): (points, warnings)."""
    from fairdash.tradeoff import FAST_METHODS

    names = tuple(m.name for m in tradeoff_methods(scored) if m.name in FAST_METHODS)
    return _fronts(scored.dataset.fingerprint, scored.model_key, float(threshold), int(points),
                   names, scored.dataset, base_scores(scored))


@st.cache_resource(max_entries=4, show_spinner=False)
def _sweep_job(dataset_key, base_key, threshold, plan, base_name, _dataset, _base_scores):
    from fairdash.tradeoff import SweepJob

    return SweepJob(_dataset, dict(plan), _base_scores, threshold=threshold, base_key=base_key,
                    base_name=base_name)


def sweep_job(scored: Scored, threshold: float, points: int):
    """The background sweep of the methods refitted per strength (not started), or None.

    One job per data, roles, model, threshold and plan, shared by the reruns of a page (and
    by sessions on the same data and model, whose results are the same).
    """
    from fairdash.tradeoff import FAST_METHODS, default_strengths

    plan = tuple((m.name, tuple(default_strengths(m, points)))
                 for m in tradeoff_methods(scored) if m.name not in FAST_METHODS)
    if not plan:
        return None
    return _sweep_job(scored.dataset.fingerprint, scored.model_key, float(threshold), plan,
                      _base_name(scored), scored.dataset, base_scores(scored))


@st.cache_data(max_entries=64, show_spinner=False)
def _tradeoff_table(dataset_key, base_key, threshold, keys, performance, gap, _points,
                    _dataset):
    from fairdash.tradeoff import EvalRows, measure

    resamples = 200 if _dataset.task == "regression" else 1000  # regression: ~0.1 s a point
    return measure(_points, EvalRows.of(_dataset), performance=performance, gap_name=gap,
                   n_resamples=resamples)


def tradeoff_table(scored: Scored, threshold: float, fronts: list, swept: list,
                   performance: str, gap: str):
    """The measured table of the single-fit ``fronts`` and the background ``swept`` points.

    The two parts are measured and cached apart, so a point arriving from the background
    sweep measures only the swept points, not the ~200 front points again; the Pareto front
    is then flagged over both.
    """
    import pandas as pd

    from fairdash.tradeoff import flag_pareto

    key = (scored.dataset.fingerprint, scored.model_key, float(threshold))
    parts = [_tradeoff_table(*key, tuple((p.method, p.strength) for p in part), performance,
                             gap, part, scored.dataset) for part in (fronts, swept) if part]
    return flag_pareto(pd.concat(parts, ignore_index=True), gap, performance)


# ---- comparison ----------------------------------------------------------------------------

def _side_decisions(scored: Scored, spec, threshold: float):
    """Decisions of one side of a comparison on every row, from the page caches."""
    from fairdash.compare import decisions_for

    if spec.kind == "method":
        result = mitigation(scored, spec.name, spec.strength)
        return result.scores if result.decisions_only else \
            (result.scores >= threshold).astype(float)
    if spec.kind == "model":
        ds = scored.dataset
        model = _builtin_model(ds.fingerprint, spec.name, ds)
        return (_scores(ds.fingerprint, f"builtin:{spec.name}", ds, model) >= threshold) \
            .astype(float)
    return decisions_for(scored.dataset, spec, base_scores(scored), threshold=threshold)


@st.cache_data(max_entries=32, show_spinner=False)
def _comparison(dataset_key, base_key, old_text, new_text, threshold, _dataset, _old, _new):
    from fairdash.compare import flip_report
    from fairdash.mitigation import EVALUATION_SPLIT, evaluate

    mask = _dataset.rows(EVALUATION_SPLIT)
    groups = _dataset.group_labels[_dataset.group_codes[mask]]
    report = flip_report(_dataset.y[mask], _old[mask], _new[mask], sensitive_features=groups,
                         index=_dataset.frame.index[mask])
    audits = [evaluate(_dataset, d, decisions_only=True, n_resamples=300) for d in (_old, _new)]
    return report, audits


def comparison(scored: Scored, old, new, threshold: float):
    """Flip report and the two audits (test rows) of ``old`` against ``new`` (cached)."""
    t = float(threshold)
    return _comparison(scored.dataset.fingerprint, scored.model_key, old.text(), new.text(), t,
                       scored.dataset, _side_decisions(scored, old, t),
                       _side_decisions(scored, new, t))
