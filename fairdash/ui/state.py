"""Session state: one registry of keys, typed getters/setters and the invalidation chain.

Chain (a change clears everything to its right)::

    source -> roles -> model -> mitigation -> (comparison, report)
                             -> (sweep, comparison) -> report

``sweep`` is the point chosen on the Tradeoffs chart, ``comparison`` the two models of the
Compare page; ``report`` is reserved for the page a later issue adds. They are cleared already so that stale results
can never survive a change of data, model or mitigation.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from fairdash.data import ColumnRoles, sample_roles

#: key -> what it holds. Every session key FairDash uses is listed here.
KEYS = {
    "source": "DataSource: where the table came from",
    "upload_frame": "(DataFrame, fingerprint) parsed from this session's upload (never shared)",
    "roles": "ColumnRoles chosen on the Data page",
    "rescale_scores": "bool: min-max rescale a score column outside [0, 1]",
    "model": "ModelChoice: built-in name, uploaded model or predictions only",
    "upload_model": "estimator loaded from this session's skops upload (never shared)",
    "threshold": "float: decision threshold on the Audit page",
    "mitigation": "MitigationChoice: the active mitigation (method and strength) on the Mitigate page",
    "sweep": "(method, strength): the point chosen on the Tradeoffs chart",
    "comparison": "(old, new): the model specs compared on the Compare page",
    "report": "reserved: report contents (report issue)",
}

#: what each key clears when it changes
DOWNSTREAM = {
    "source": ("upload_frame", "roles", "rescale_scores", "model", "upload_model", "threshold",
               "mitigation", "sweep", "comparison", "report"),
    "roles": ("model", "upload_model", "threshold", "mitigation", "sweep", "comparison",
              "report"),
    "model": ("mitigation", "sweep", "comparison", "report"),
    "mitigation": ("comparison", "report"),
}


@dataclass(frozen=True)
class DataSource:
    """Where the active table comes from: ``kind`` is "sample", "upload" or "synthetic";
    ``name`` is the sample name, file name or a description of the synthetic settings; ``key``
    tells two uploads with the same file name apart (a hash of the bytes)."""

    kind: str
    name: str
    key: str = ""


@dataclass(frozen=True)
class ModelChoice:
    """The active model: ``kind`` is "builtin", "upload" or "scores"; ``name`` the built-in
    name, the uploaded file's name, or the score column; ``key`` distinguishes uploads."""

    kind: str
    name: str
    key: str = ""


@dataclass(frozen=True)
class MitigationChoice:
    """The active mitigation: a registered method ``name`` at ``strength`` in [0, 1], applied
    to the active model (results are cached per data, roles, model, method and strength)."""

    name: str
    strength: float


DEFAULT_SAMPLE = "adult"


def init() -> None:
    """Fill defaults once per session: Adult with its recommended roles and logistic
    regression, so the first screen is already a meaningful audit."""
    st.session_state.setdefault("source", DataSource("sample", DEFAULT_SAMPLE))
    st.session_state.setdefault("roles", sample_roles(DEFAULT_SAMPLE))
    st.session_state.setdefault("rescale_scores", False)
    st.session_state.setdefault("model", ModelChoice("builtin", "logreg"))
    st.session_state.setdefault("threshold", 0.5)


def _clear(key: str) -> None:
    for k in DOWNSTREAM.get(key, ()):
        st.session_state.pop(k, None)


def source() -> DataSource:
    """The active data source."""
    return st.session_state["source"]


def set_source(src: DataSource, roles: ColumnRoles, upload=None) -> None:
    """Switch data source and its first roles, clearing the model and every result downstream.

    ``upload`` is ``(frame, fingerprint)`` for an uploaded table.
    """
    _clear("source")
    st.session_state["source"] = src
    st.session_state["roles"] = roles
    st.session_state["model"] = ModelChoice("builtin", "logreg")
    if upload is not None:
        st.session_state["upload_frame"] = upload


def upload_frame():
    """``(frame, fingerprint)`` this session uploaded, or None."""
    return st.session_state.get("upload_frame")


def roles() -> ColumnRoles | None:
    """The chosen column roles, or None before they are chosen."""
    return st.session_state.get("roles")


def rescale_scores() -> bool:
    """Whether a score column outside [0, 1] is min-max rescaled."""
    return bool(st.session_state.get("rescale_scores", False))


#: The built-in model a new choice of roles starts with, per task.
DEFAULT_MODEL = {"classification": "logreg", "regression": "linear"}


def set_roles(value: ColumnRoles, rescale: bool = False, task: str = "classification") -> None:
    """Set roles; clears the model and results when they change. ``task`` (the Dataset's)
    picks the default built-in model: a classifier, or a regressor for a continuous target."""
    if value != roles() or rescale != rescale_scores():
        _clear("roles")
        st.session_state["model"] = ModelChoice("scores", value.score_column) \
            if value.score_column and not value.features \
            else ModelChoice("builtin", DEFAULT_MODEL[task])
    st.session_state["roles"] = value
    st.session_state["rescale_scores"] = rescale


def model() -> ModelChoice | None:
    """The active model choice."""
    return st.session_state.get("model")


def upload_model():
    """The estimator this session uploaded, or None."""
    return st.session_state.get("upload_model")


def set_model(choice: ModelChoice, estimator=None) -> None:
    """Set the active model; clears mitigations, sweeps, comparisons and reports."""
    if choice != model():
        _clear("model")
    st.session_state["model"] = choice
    if estimator is not None:
        st.session_state["upload_model"] = estimator


def threshold() -> float:
    """Decision threshold in [0, 1]."""
    return float(st.session_state.get("threshold", 0.5))


def set_threshold(value: float) -> None:
    """Remember the threshold across pages."""
    st.session_state["threshold"] = float(value)


def mitigation() -> MitigationChoice | None:
    """The active mitigation, or None before one is chosen on the Mitigate page."""
    return st.session_state.get("mitigation")


def set_mitigation(choice: MitigationChoice) -> None:
    """Make ``choice`` the active mitigation; clears comparisons and reports built on another."""
    if choice != mitigation():
        _clear("mitigation")
    st.session_state["mitigation"] = choice


def sweep_point() -> tuple[str, float] | None:
    """The (method, strength) chosen on the Tradeoffs chart, or None."""
    return st.session_state.get("sweep")


def set_sweep_point(point: tuple[str, float] | None) -> None:
    """Remember the point chosen on the Tradeoffs chart."""
    st.session_state["sweep"] = point


def comparison() -> tuple[str, str] | None:
    """The (old, new) model specs of the Compare page, or None."""
    return st.session_state.get("comparison")


def set_comparison(specs: tuple[str, str]) -> None:
    """Remember the Compare page's models (cleared when data, model or mitigation change)."""
    st.session_state["comparison"] = specs
