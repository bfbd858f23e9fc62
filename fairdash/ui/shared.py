"""Cached library calls that more than one screen needs: the active table, dataset, model,
its scores on the audited rows, the audit at a threshold, and the cached ``mitigate``.

Every cache is bounded and keyed on hashable configuration; the large results (datasets,
scores, score indexes, mitigated models) live in ``budget``, bounded in bytes overall and per
session. Large objects (frames, datasets,
models) are passed as ``_underscore`` arguments that Streamlit does not hash; the key is the
content fingerprint beside them, so an entry is reachable only by a session holding the same
bytes. Cached objects are shared between sessions: treat them as read-only. Uploaded models are
never cached across sessions (they live in the session's own state).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import streamlit as st

from fairdash import data as fd_data
from fairdash import metrics as fd_metrics
from fairdash import models as fd_models
from fairdash.exceptions import ModelError
from fairdash.ui import budget, state
from fairdash.ui.link import synthetic_key


@st.cache_resource(max_entries=4, show_spinner=False)
def sample_frame(name: str):
    """A bundled sample as a DataFrame and its fingerprint (read-only, shared)."""
    frame = fd_data.load_sample(name)
    return frame, fd_data.table_fingerprint(frame)


@budget.cached
def _dataset(table_hash: str, roles, rescale: bool, _frame):
    return fd_data.build_dataset(_frame, roles, rescale_scores=rescale, table_hash=table_hash)


@budget.cached
def _builtin_model(dataset_key: str, name: str, _dataset):
    return fd_models.fit_builtin(_dataset, name)


@budget.cached
def _scores(dataset_key: str, model_key: str, _dataset, _model, _score=None):
    if _score is not None:  # a model that reads whole rows (a decision list's rules)
        return _score(_model, _dataset.frame)
    return fd_models.score_dataset(_model, _dataset)


def active_table():
    """The active table and its fingerprint, from a sample or this session's upload."""
    src = state.source()
    if src.kind == "sample":
        return sample_frame(src.name)
    return state.upload_frame()


def dataset_for(frame, table_hash: str, roles, rescale: bool):
    """The validated Dataset of a table and roles (cached; raises FairDashError)."""
    return _dataset(table_hash, roles, rescale, frame)


def active_dataset():
    """The validated Dataset for the active table and roles (raises FairDashError)."""
    frame, table_hash = active_table()
    return dataset_for(frame, table_hash, state.roles(), state.rescale_scores())


def builtin_model(dataset, name: str):
    """A built-in model trained on the train split of ``dataset`` (cached, read-only)."""
    return _builtin_model(dataset.fingerprint, name, dataset)


def model_scores(dataset, key: str, model, score=None):
    """Scores of ``model`` on every row of ``dataset`` (cached under ``key``); ``score(model,
    frame)`` scores whole rows instead of the feature columns."""
    return _scores(dataset.fingerprint, key, dataset, model, score)


@dataclass(frozen=True, eq=False)
class Scored:
    """The active model's output on every row and on the audited rows.

    Attributes
    ----------
    dataset : Dataset
    model_key : str
        ``builtin:NAME``, ``upload:HASH`` or ``scores:COLUMN``: the cache key of the model.
    split : str
        The audited split (always the held-out ``"test"`` split).
    all_scores : ndarray
        Scores, 0/1 decisions or predictions on every row.
    decisions_only : bool
        True when only 0/1 decisions exist (no threshold to move).
    description : str
        One sentence: which model, which rows.
    group_codes, group_labels : optional
        Groups that replace the sensitive columns' on every row (a slice against the rest).
    """

    dataset: object
    model_key: str
    split: str
    all_scores: np.ndarray
    decisions_only: bool
    description: str
    group_codes: np.ndarray | None = None
    group_labels: object = None

    @property
    def mask(self):
        return self.dataset.rows(self.split)

    @property
    def scores(self):
        return self.all_scores[self.mask]

    @property
    def y(self):
        return self.dataset.y[self.mask]

    @property
    def codes(self):
        codes = self.dataset.group_codes if self.group_codes is None else self.group_codes
        return codes[self.mask]

    @property
    def labels(self):
        return self.dataset.group_labels if self.group_labels is None else self.group_labels

    @property
    def task(self) -> str:
        return self.dataset.task

    @property
    def n(self) -> int:
        return int(self.mask.sum())


def active_scores(progress=None) -> Scored:
    """Score the active dataset with the active model, training it first when needed.

    Parameters
    ----------
    progress : callable(str), optional
        Told what is happening before slow steps (the screen shows it in ``st.status``).
    """
    ds = active_dataset()
    choice = state.model()
    split = fd_data.AUDITED_SPLIT
    n_audit = int(ds.rows(split).sum())
    rows = f"audited on the held-out test split ({n_audit:,} rows)"
    if choice.kind == "scores":
        if ds.scores is None:
            raise ModelError("Choose a score or prediction column on the Data page first.")
        what = "predictions" if ds.task == "regression" else \
            "decisions" if ds.scores_are_decisions else "scores"
        rescaled = " (rescaled to 0-1)" if ds.roles.score_column and state.rescale_scores() \
            else ""
        return Scored(ds, f"scores:{choice.name}", split, ds.scores, ds.scores_are_decisions,
                      f"Given {what} from column '{choice.name}'{rescaled}, {rows}.")
    if choice.kind == "bounty":
        from fairdash.models import positive_scores

        dl, key = state.upload_model(), f"bounty:{choice.key}"
        return Scored(ds, key, split, model_scores(ds, key, dl, positive_scores), False,
                      f"Bias-bounty decision list ({choice.name}), {rows}.")
    if choice.kind == "upload":
        model, key = state.upload_model(), f"upload:{choice.key}"
        desc = (f"Uploaded model '{choice.name}', {rows}. FairDash cannot know which rows it "
                "was trained on: if it saw these, its numbers look better than they are.")
    else:
        models = fd_models.builtin_models(ds.task)
        if choice.name not in models:  # a classifier left from a yes/no target, or the reverse
            choice = state.ModelChoice("builtin", fd_models.default_learner(ds.task))
            state.set_model(choice)
        key = f"builtin:{choice.name}"
        n_train = int(ds.rows("train").sum())
        if progress:
            progress(f"Training {models[choice.name]} on {n_train:,} rows ...")
        model = builtin_model(ds, choice.name)
        desc = f"{models[choice.name]} trained on the train split ({n_train:,} rows), {rows}."
    return Scored(ds, key, split, model_scores(ds, key, model), False, desc)


def base_learner(scored: Scored) -> str:
    """Built-in learner that methods which retrain use (the active one, or the task's default)."""
    choice = state.model()
    return choice.name if choice.kind == "builtin" else fd_models.default_learner(scored.task)


def methods_available(scored: Scored) -> list:
    """Registered methods the active data and model allow, in registry order (methods that
    retrain need feature columns and a built-in model)."""
    from fairdash.mitigation import methods_for

    ds = scored.dataset
    return methods_for(ds.task, has_features=bool(ds.roles.features)
                       and state.model().kind == "builtin",
                       n_sensitive=len(ds.roles.sensitive))


def with_slice(scored: Scored, rule: str) -> Scored:
    """The same scores, grouped as the slice ``rule`` against the rest of the rows."""
    from dataclasses import replace

    from fairdash.subgroups import parse_rule

    inside = parse_rule(rule).mask(scored.dataset.frame)
    return replace(scored, model_key=f"{scored.model_key}|slice:{rule}",
                   group_codes=np.where(inside, 0, 1),
                   group_labels=np.array(["in the slice", "rest"], dtype=object))


# ---- the audit at a threshold -------------------------------------------------------------

@budget.cached
def _score_index(dataset_key: str, model_key: str, split: str, _y, _scores, _codes, n: int):
    index = fd_metrics.ScoreIndex(_y, _scores, _codes, n)
    return index, index.auc()


def score_index(scored: Scored):
    """Cached ScoreIndex (sorted scores per group) and per-group AUC of the audited rows."""
    return _score_index(scored.dataset.fingerprint, scored.model_key, scored.split, scored.y,
                        scored.scores, scored.codes, len(scored.labels))


@st.cache_data(max_entries=16, show_spinner=False)
def _overall_auc(dataset_key: str, model_key: str, split: str, _y, _scores) -> float:
    return float(fd_metrics.ScoreIndex(_y, _scores, np.zeros(len(_y), dtype=int), 1).auc()[0])


def overall_auc(scored: Scored) -> float:
    """AUC on the audited rows, groups pooled (cached)."""
    return _overall_auc(scored.dataset.fingerprint, scored.model_key, scored.split, scored.y,
                        scored.scores)


@st.cache_data(max_entries=256, show_spinner=False)
def _audit(dataset_key, model_key, split, threshold, method, reference, min_group_size,
           _index, _auc, _labels):
    return fd_metrics.audit_counts(
        _index.counts_at(threshold), _labels, auc=_auc, threshold=threshold, method=method,
        reference=reference, min_group_size=min_group_size)


def audit(scored: Scored, threshold: float, method: str = "between_groups", reference=None,
          min_group_size: int = fd_metrics.DEFAULT_MIN_GROUP_SIZE):
    """The audit of the audited rows at ``threshold`` (cached; equals ``metrics.audit``)."""
    index, auc = score_index(scored)
    t = 0.5 if scored.decisions_only else float(threshold)
    return _audit(scored.dataset.fingerprint, scored.model_key, scored.split, t, method,
                  reference, int(min_group_size), index,
                  None if scored.decisions_only else auc, scored.labels)


@st.cache_data(max_entries=64, show_spinner=False)
def _regression_audit(dataset_key, model_key, split, min_group_size, _y, _predictions, _codes,
                      _labels):
    groups = np.asarray(_labels, dtype=object)[_codes]
    return fd_metrics.regression_audit(_y, _predictions, sensitive_features=groups,
                                       min_group_size=min_group_size)


def regression_audit(scored: Scored, min_group_size: int = fd_metrics.DEFAULT_MIN_GROUP_SIZE):
    """Cached regression audit of the predictions on the audited rows."""
    return _regression_audit(scored.dataset.fingerprint, scored.model_key, scored.split,
                             int(min_group_size), scored.y, scored.scores, scored.codes,
                             scored.labels)


# ---- mitigation ----------------------------------------------------------------------------

@budget.cached
def _mitigation(dataset_key: str, base_key: str, name: str, strength: float, threshold,
                base_name: str, _dataset, _base_scores):
    from fairdash.mitigation import mitigate

    return mitigate(_dataset, name, strength, base_scores=_base_scores, base_name=base_name,
                    base_key=base_key, threshold=0.5 if threshold is None else threshold)


def mitigation(scored: Scored, name: str, strength: float, threshold: float):
    """The active model mitigated by registered method ``name`` at ``strength`` (cached per
    data, roles, base model, method, strength and, for methods that decide at a threshold,
    the threshold; raises FairDashError when it does not apply)."""
    from fairdash.mitigation import get_method

    method = get_method(name)
    t = float(threshold) if method.uses_threshold else None
    return _mitigation(scored.dataset.fingerprint, scored.model_key, name,
                       round(float(strength), 4), t, base_learner(scored), scored.dataset,
                       scored.all_scores)


def decisions(scored: Scored, spec, threshold: float):
    """Decisions of a model spec (``fairdash.compare.ModelSpec``) on every row, from the
    shared caches (the base model, a mitigation, another built-in model or a column)."""
    from fairdash.compare import decisions_for

    ds = scored.dataset

    def model_scores_of(name):
        return model_scores(ds, f"builtin:{name}", builtin_model(ds, name))

    return decisions_for(ds, spec, scored.all_scores, threshold=threshold,
                         mitigate=lambda n, s: mitigation(scored, n, s, threshold),
                         model_scores=model_scores_of)


def parsed_upload(key: str, filename: str, raw: bytes):
    """An uploaded table parsed once per content: ``(frame, fingerprint)``, shared by every
    session that uploads the same bytes (keyed by their hash, so only a session holding them
    reaches it; read-only) and bounded in bytes like every large result."""
    return _parsed_upload(key, filename, raw)


@budget.cached
def _parsed_upload(key: str, filename: str, _raw: bytes):
    frame = fd_data.read_table(_raw, filename)
    return frame, fd_data.table_fingerprint(frame)


def content_key(data: bytes) -> str:
    """Short content hash of uploaded bytes."""
    return hashlib.sha1(data).hexdigest()[:16]


# ---- ready-made starting points (Home and Data) -------------------------------------------

#: synthetic settings -> what they mean (the Data screen's sliders use the same names)
SYNTHETIC_DEFAULTS = {"n": 20_000, "minority_share": 0.3, "base_rate_gap": 0.2,
                      "label_bias": 0.0, "proxy_strength": 0.5}


def synthetic_source(n: int, minority_share: float, base_rate_gap: float, label_bias: float,
                     proxy_strength: float):
    """A synthetic table with known disparities: ``(DataSource, roles, (frame, hash))``."""
    frame, fingerprint = _synthetic_frame(int(n), float(minority_share), float(base_rate_gap),
                                          float(label_bias), float(proxy_strength))
    name = (f"Synthetic ({int(n):,} rows, minority share {minority_share}, base-rate gap "
            f"{base_rate_gap}, label bias {label_bias}, proxy {proxy_strength})")
    roles = fd_data.ColumnRoles("label", "1", ("group",), ("x1", "x2", "proxy", "region"))
    key = synthetic_key({"n": int(n), "minority_share": minority_share,
                         "base_rate_gap": base_rate_gap, "label_bias": label_bias,
                         "proxy_strength": proxy_strength})
    return (state.DataSource("synthetic", name, key), roles, (frame, fingerprint))


@budget.cached
def _synthetic_frame(n: int, minority_share: float, base_rate_gap: float, label_bias: float,
                     proxy_strength: float):
    # The same settings give the same table: sessions share one copy (read-only).
    frame = fd_data.make_synthetic(n, minority_share=minority_share,
                                   base_rate_gap=base_rate_gap, label_bias=label_bias,
                                   proxy_strength=proxy_strength)
    return frame, fd_data.table_fingerprint(frame)


# ---- provenance ----------------------------------------------------------------------------

def gate_args() -> tuple:
    """The session's pass/fail rules as command-line arguments (``--fail-on`` ...)."""
    rules, on_interval = state.gate()
    return tuple(a for r in rules for a in ("--fail-on", r)) + (
        ("--fail-on-ci",) if rules and on_interval else ())


def provenance_of(scored: Scored, threshold: float | None = None, extra: tuple = (),
                  command: str = "audit") -> dict:
    """The provenance block of what the session shows (see ``fairdash.provenance``); the
    ``command`` line is given when it can recompute it (a sample or an uploaded file with a
    built-in model or given scores; ``extra`` arguments appended)."""
    from fairdash.provenance import cli_command, model_params, provenance

    ws = state.workspace()
    src, choice = ws.source, ws.model
    source = f"sample:{src.name}" if src.kind == "sample" else src.name
    params = {}
    if choice.kind == "builtin":
        params = model_params(builtin_model(scored.dataset, choice.name))
    elif choice.kind == "upload":
        params = model_params(state.upload_model())
    line = None
    if src.kind in ("sample", "upload") and choice.kind in ("builtin", "scores"):
        line = cli_command(source, scored.dataset.roles,
                              model=choice.name if choice.kind == "builtin" else None,
                              threshold=threshold, rescale_scores=ws.rescale_scores,
                              command=command, extra=extra)
    name = choice.name if choice.kind == "builtin" else f"{choice.kind}:{choice.name}"
    return provenance(scored.dataset, source=source, model=name, model_params=params,
                      threshold=threshold, seed=0, command=line)
