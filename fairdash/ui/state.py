"""Session state: the only module that touches ``st.session_state``.

What defines a session's view is one frozen :class:`Workspace`. Every change goes through a
named transition (``with_source``, ``with_roles``, ``with_model``, ``with_threshold``,
``with_mitigation``, ``with_point``, ``with_comparison``): a pure function from one Workspace
to the next, unit-tested without Streamlit. The setters below load the Workspace from the
session, apply the transition and store the result.

Chain (a change of the key on the left clears every key on its right)::

    source     -> upload_frame, connection, roles, rescale_scores, model, upload_model,
                  threshold, mitigation, sweep, comparison, slice, bounty, report
    roles      -> model, upload_model, threshold, mitigation, sweep, comparison, slice,
                  bounty, report
    model      -> mitigation, sweep, comparison, bounty, report
    threshold  -> report
    mitigation -> sweep, comparison, report

``sweep`` is the point chosen on the Tradeoffs chart: it is the active mitigation or nothing,
so a later choice on the Mitigate page clears it. ``slice`` is a rule from the Subgroups screen
that the Audit screen audits against the rest; ``bounty`` the bias bounty built on the active
model. ``report`` is reserved for the report screen.
Widget keys are listed in :data:`WIDGET_KEYS` with the screen that owns them; a screen sets only
its own (``seed_widget``), and what other screens need goes through the transitions above.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

import streamlit as st

if TYPE_CHECKING:
    from fairdash.data import ColumnRoles
    from fairdash.ui.workspace import (
        Connection,
        DataSource,
        MitigationChoice,
        ModelChoice,
        Workspace,
    )

#: names of :mod:`fairdash.ui.workspace` also read here (``state.DataSource``, ...). They, the
#: data layer and pandas are imported on first use, not with this module: app.py asks
#: :func:`new_session` and sends its chart placeholder before them (issue 16).
REEXPORTED = frozenset({
    "DEFAULT_SAMPLE", "DEFAULT_THRESHOLD", "DOWNSTREAM", "KEYS", "Connection", "DataSource",
    "MitigationChoice", "ModelChoice", "Workspace", "cleared", "default_workspace",
    "with_bounty", "with_bounty_model", "with_comparison", "with_compas_demo",
    "with_connection", "with_gate", "with_mitigation", "with_model", "with_point",
    "with_roles", "with_slice", "with_source", "with_threshold"})


def _workspace_module():
    from fairdash.ui import workspace as module

    return module


def __getattr__(name: str):
    """The :data:`REEXPORTED` names of the Workspace module, imported when first asked for."""
    if name in REEXPORTED:
        return getattr(_workspace_module(), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: widget key (or key prefix ending in "_") -> the screen that owns it
WIDGET_KEYS = {
    "w_home_": "home", "w_share_": "share", "w_report_": "report",
    "w_source_kind": "data", "w_sample": "data", "w_upload": "data", "w_syn_": "data",
    "w_target_": "data", "w_positive_": "data", "w_sensitive_": "data", "w_score_": "data",
    "w_rescale_": "data", "w_features_": "data", "w_apply_": "data",
    "w_model_kind": "model", "w_builtin": "model", "w_model_upload": "model", "dl_model": "model",
    "fig_sizes": "audit", "fig_rates": "audit", "fig_roc": "audit", "fig_hist": "audit",
    "fig_errors": "audit", "fig_predictions": "audit", "fig_before_after": "mitigate",
    "fig_flips": "compare",
    "w_threshold": "audit", "w_min_size": "audit", "w_rate": "audit", "w_method": "audit",
    "w_reference": "audit", "w_reg_stat": "audit", "dl_json": "audit", "dl_csv": "audit",
    "w_mitigate_": "mitigate", "w_criterion": "mitigate", "w_stage": "mitigate",
    "w_mitigation": "mitigate", "w_strength_": "mitigate", "w_compas_demo": "mitigate",
    "w_tradeoff_": "tradeoffs", "w_audit_": "audit", "w_subgroups_": "subgroups",
    "fig_slices": "subgroups",
    "w_compare_": "compare",
    "w_learn_": "learn",
    "w_connect_": "data",
}


# ---- the session adapter --------------------------------------------------------------------

_PRIVATE = ("upload_frame", "upload_model", "connection")


def new_session() -> bool:
    """True on the session's first run (before :func:`init`): cheap, it imports nothing."""
    return "source" not in st.session_state


def init() -> bool:
    """Fill every key the session does not have yet from the default workspace; True on the
    session's first run."""
    new = new_session()
    ws_module = _workspace_module()
    ws = ws_module.default_workspace()
    for f in fields(ws_module.Workspace):
        if f.name not in _PRIVATE:
            st.session_state.setdefault(f.name, getattr(ws, f.name))
    return new


def restore(ws: Workspace) -> None:
    """Make ``ws`` the session's view at once (a link or a saved session, already checked)."""
    _store(ws)
    st.session_state.pop("pending_upload", None)


def query() -> dict:
    """The page's URL query parameters, repeated keys as lists."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def write_query(params: dict) -> None:
    """Put the view's parameters in the URL (only when they changed)."""
    wanted = {k: list(v) if isinstance(v, (list, tuple)) else [v] for k, v in params.items()}
    if query() != wanted:
        st.query_params.from_dict(params)


def notices() -> list:
    """Sentences about what a link or saved session could not restore (shown once)."""
    return st.session_state.pop("link_notices", [])


def add_notices(sentences: list) -> None:
    """Keep sentences for :func:`notices`."""
    st.session_state.setdefault("link_notices", []).extend(sentences)


def workspace() -> Workspace:
    """The session's Workspace."""
    get, ws_module = st.session_state.get, _workspace_module()
    return ws_module.Workspace(get("source") or ws_module.default_workspace().source,
                               **{f.name: get(f.name, f.default)
                                  for f in fields(ws_module.Workspace) if f.name != "source"})


def _store(ws: Workspace) -> None:
    for f in fields(ws):
        value = getattr(ws, f.name)
        if value is None and f.name in _PRIVATE:
            st.session_state.pop(f.name, None)
        else:
            st.session_state[f.name] = value


def _apply(transition: str, *args, **kwargs) -> Workspace:
    """Apply the Workspace transition named ``transition`` and store the result."""
    from fairdash.ui.link import to_query

    new = getattr(_workspace_module(), transition)(workspace(), *args, **kwargs)
    _store(new)
    # at once, not at the end of the run: a fragment's rerun (the threshold) ends nowhere else
    write_query(to_query(new))
    return new


def source() -> DataSource:
    """The active data source."""
    return workspace().source


def roles() -> ColumnRoles | None:
    """The active column roles."""
    return workspace().roles


def rescale_scores() -> bool:
    """Whether a score column outside [0, 1] is min-max rescaled."""
    return workspace().rescale_scores


def model() -> ModelChoice | None:
    """The active model choice."""
    return workspace().model


def upload_frame():
    """``(frame, fingerprint)`` of this session's active upload, or None."""
    return workspace().upload_frame


def connected():
    """The :class:`Connection` of the active source when it is a table counted where it lives
    (issue 15), else None."""
    ws = workspace()
    return ws.connection if ws.source.kind == "connect" else None


def connect(conn: Connection) -> None:
    """Make a table counted where it lives the active source (see :func:`with_connection`)."""
    _apply("with_connection", conn)
    st.session_state.pop("pending_upload", None)


def upload_model():
    """The estimator this session uploaded, or None."""
    return workspace().upload_model


def threshold() -> float:
    """The decision threshold in [0, 1]."""
    return float(workspace().threshold)


def mitigation() -> MitigationChoice | None:
    """The active mitigation, or None until the user chooses one."""
    return workspace().mitigation


def gate() -> tuple:
    """``(rules, on_interval)``: the pass/fail rules on the gaps (see :func:`with_gate`)."""
    return workspace().gate


def set_gate(rules, on_interval: bool = False) -> None:
    """See :func:`with_gate`."""
    _apply("with_gate", rules, on_interval)


def sweep_point() -> tuple | None:
    """The (method, strength) chosen on the Tradeoffs chart, or None."""
    return workspace().sweep


def comparison() -> tuple | None:
    """The (old, new) model specs of the Compare screen, or None."""
    return workspace().comparison


def set_source(src: DataSource, roles: ColumnRoles, upload=None,
               task: str = "classification") -> None:
    """Switch the active table (see :func:`with_source`); a pending upload is dropped."""
    _apply("with_source", src, roles, upload, task)
    st.session_state.pop("pending_upload", None)


def set_roles(value: ColumnRoles, rescale: bool = False, task: str = "classification") -> None:
    """See :func:`with_roles`."""
    _apply("with_roles", value, rescale, task)


def set_model(choice: ModelChoice, estimator=None) -> None:
    """See :func:`with_model`."""
    _apply("with_model", choice, estimator)


def set_threshold(value: float) -> None:
    """See :func:`with_threshold`."""
    _apply("with_threshold", value)


def set_mitigation(choice: MitigationChoice | None) -> None:
    """See :func:`with_mitigation`."""
    _apply("with_mitigation", choice)


def choose_point(point: tuple | None, baseline: str) -> None:
    """See :func:`with_point`."""
    _apply("with_point", point, baseline)


def set_comparison(specs: tuple[str, str]) -> None:
    """See :func:`with_comparison`."""
    _apply("with_comparison", specs)


def pending_upload():
    """An uploaded table waiting for roles that fit, or None: ``(DataSource, frame, hash)``."""
    return st.session_state.get("pending_upload")


def set_pending_upload(value) -> None:
    """Hold an upload that did not validate yet; the active table stays as it is."""
    if value is None:
        st.session_state.pop("pending_upload", None)
    else:
        st.session_state["pending_upload"] = value


def session_owner():
    """An id of this browser session (``"local"`` outside a Streamlit run)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_id if ctx is not None else "local"


def private_cache() -> dict:
    """This session's own store for cached values too large to share (see ``budget``)."""
    return st.session_state.setdefault("private_cache", {})


def sweep_job(key, make):
    """This session's background sweep for ``key`` (hashable), made by ``make()`` on first use.

    A job belongs to the session that made it: no other session can see, start or stop it
    (they may share finished points through a store). A session holds one job; asking for
    another key stops the old one after its running fits.
    """
    held = st.session_state.get("sweep_job")
    if held is not None and held[0] == key:
        return held[1]
    if held is not None:
        held[1].cancel()
    job = make()
    st.session_state["sweep_job"] = (key, job)
    return job


# ---- widget keys ----------------------------------------------------------------------------

def owner(key: str) -> str | None:
    """The screen that owns widget ``key`` (see :data:`WIDGET_KEYS`)."""
    if key in WIDGET_KEYS:
        return WIDGET_KEYS[key]
    return next((s for k, s in WIDGET_KEYS.items() if k.endswith("_") and key.startswith(k)),
                None)


def widget(key: str, default=None):
    """The current value of a widget (its own screen's or another's, read only)."""
    return st.session_state.get(key, default)


def seed_widget(screen: str, key: str, value) -> None:
    """Set widget ``key`` of ``screen`` before it is drawn (only its own screen may)."""
    if owner(key) != screen:
        raise KeyError(f"widget key {key!r} belongs to {owner(key)!r}, not {screen!r}")
    st.session_state[key] = value


def keep_valid(screen: str, key: str, options: list, preferred) -> None:
    """Keep a keyed widget's value among today's ``options``, starting from ``preferred``."""
    if st.session_state.get(key) not in options:
        seed_widget(screen, key, preferred if preferred in options else options[0])


def screen_memory(screen: str, name: str, default=None):
    """A value a screen keeps between its reruns (stored under its own key prefix)."""
    return st.session_state.get(f"w_{screen}_mem_{name}", default)


def remember(screen: str, name: str, value) -> None:
    """Store a value for :func:`screen_memory`."""
    st.session_state[f"w_{screen}_mem_{name}"] = value


def start_compas_demo() -> None:
    """See :func:`with_compas_demo`."""
    _apply("with_compas_demo")
    st.session_state.pop("pending_upload", None)


def keep_valid_many(screen: str, key: str, options: list) -> None:
    """Drop values of a keyed multiselect that are no longer among ``options``."""
    value = st.session_state.get(key)
    if value is not None and any(v not in options for v in value):
        seed_widget(screen, key, [v for v in value if v in options])


def audit_slice() -> str | None:
    """The slice rule the Audit screen audits against the rest, or None."""
    return workspace().slice


def set_audit_slice(rule: str | None) -> None:
    """See :func:`with_slice`."""
    _apply("with_slice", rule)


def bounty():
    """The bias bounty of the active model, or None."""
    return workspace().bounty


def set_bounty(value) -> None:
    """See :func:`with_bounty`."""
    _apply("with_bounty", value)


def use_bounty_model(choice: ModelChoice, decision_list) -> None:
    """See :func:`with_bounty_model`."""
    _apply("with_bounty_model", choice, decision_list)

