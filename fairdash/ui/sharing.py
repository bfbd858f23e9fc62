"""Sharing a view: the URL that restores it, and a saved session (a small JSON, no data).

On a session's first run :func:`restore_link` rebuilds the view the URL describes (see
:mod:`fairdash.ui.link`), checking each part against the data: what does not fit is left at
its default and said in a sentence. After every run :func:`write_link` puts the current view
in the URL, so a reload restores it and the address is a link a colleague can open.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from fairdash import data as fd_data
from fairdash.exceptions import FairDashError
from fairdash.mitigation import REGISTRY
from fairdash.models import builtin_models
from fairdash.ui import format as fmt
from fairdash.ui import link, shared, state
from fairdash.ui.workspace import (
    Workspace,
    default_workspace,
    with_comparison,
    with_mitigation,
    with_model,
    with_roles,
    with_source,
    with_threshold,
)


def _table(ws: Workspace):
    """The source, usual roles and table of a link's data: ``(src, roles, upload, frame, hash)``."""
    if ws.source.kind == "synthetic":
        src, roles, upload = shared.synthetic_source(**link.synthetic_settings(ws.source.key))
        return src, roles, upload, *upload
    if ws.source.kind == "upload":  # a saved session onto the same upload
        upload = state.upload_frame()
        return ws.source, fd_data.suggest_roles(upload[0]), upload, *upload
    name = ws.source.name
    return ws.source, fd_data.sample_roles(name), None, *shared.sample_frame(name)


def checked(ws: Workspace) -> tuple[Workspace, list[str]]:
    """``ws`` rebuilt through the transitions, each part checked against its data.

    Parameters
    ----------
    ws : Workspace
        As :func:`fairdash.ui.link.from_query` returns it.

    Returns
    -------
    workspace : Workspace
    notes : list of str
        One sentence per part left at its default.
    """
    src, usual, upload, frame, table_hash = _table(ws)
    notes = []
    roles, rescale = ws.roles or usual, ws.rescale_scores
    try:
        ds = shared.dataset_for(frame, table_hash, roles, rescale)
    except FairDashError as exc:
        notes.append(f"The link's column roles do not fit this data ({exc}); its usual roles "
                     "are used.")
        roles, rescale = usual, False
        ds = shared.dataset_for(frame, table_hash, roles, rescale)
    out = with_source(default_workspace(), src, roles, upload, ds.task)
    out = with_roles(replace(out, roles=None), roles, rescale, ds.task)
    model = ws.model
    if model is not None and not (
            (model.kind == "builtin" and model.name in builtin_models(ds.task))
            or (model.kind == "scores" and model.name == roles.score_column)):
        notes.append(f"The link's model '{model.name}' does not fit this data; the default "
                     "model is used.")
        model = None
    if model is not None:
        out = with_model(out, model)
    out = with_threshold(out, ws.threshold)
    mitigation = ws.mitigation
    if mitigation is not None and ds.task not in REGISTRY[mitigation.name].tasks:
        notes.append(f"The link's mitigation '{mitigation.name}' does not apply to a "
                     f"{ds.task} target; none is active.")
        mitigation = None
    out = with_mitigation(out, mitigation)
    if ws.sweep is not None and mitigation is not None and \
            ws.sweep == (mitigation.name, out.mitigation.strength):
        out = replace(out, sweep=ws.sweep)
    if ws.comparison is not None:
        out = with_comparison(out, ws.comparison)
    return replace(out, gate=ws.gate), notes


def restore_link() -> None:
    """Restore the view in the URL (a session's first run); keep sentences on what did not."""
    ws, notes = link.from_query(state.query())
    if ws is not None:
        try:
            ws, more = checked(ws)
        except (FairDashError, ValueError) as exc:
            ws, more = None, [(f"The link's view could not be restored ({exc}); the default "
                              "view is shown.")]
        notes += more
    if ws is not None:
        state.restore(ws)
    state.add_notices(notes)


def write_link() -> None:
    """Put the current view in the URL."""
    state.write_query(link.to_query(state.workspace()))


def show_notices() -> None:
    """What a link or saved session could not restore, above the screen."""
    for sentence in state.notices():
        st.warning(fmt.md(sentence), icon=":material/link_off:")


def panel() -> None:
    """The sidebar's "Share this view": what the link holds, save and load a session."""
    ws = state.workspace()
    with st.expander("Share this view"):
        if ws.source.kind == "upload":
            st.caption("The address bar holds this view except the uploaded file, which "
                       "cannot travel in a link: a colleague opening it gets the default "
                       "data. Hand over the report instead, or the file and a saved session.")
        elif ws.source.kind == "connect":
            st.caption("The connected table (a server path or connection URL) never goes "
                       "into a link or a saved session: a colleague opening this address "
                       "gets the default data and a sentence saying so. Download the audit "
                       "instead.")
        else:
            st.caption("The address bar holds this view (data, roles, model, threshold, "
                       "mitigation, chosen point, Compare pair): copy it to share it, or "
                       "reload to come back to it.")
        frame_hash = shared.active_table()[1] if ws.source.kind not in ("sample", "connect") \
            else None
        st.download_button("Save session", link.to_session_json(ws, frame_hash),
                           file_name="fairdash-session.json", mime="application/json",
                           key="w_share_save",
                           help="A small JSON of this view, no data: load it later on the "
                                "same data to come back here.")
        file = st.file_uploader("Load a saved session", type=None, key="w_share_load")
        if file is not None and state.screen_memory("share", "loaded") != file.file_id:
            state.remember("share", "loaded", file.file_id)
            load_session(file.getvalue())
            st.rerun()


def load_session(raw: bytes) -> None:
    """Restore a saved session's view; an upload's view only onto the same uploaded data."""
    try:
        params, fingerprint = link.from_session_json(raw)
    except ValueError as exc:
        state.add_notices([str(exc)])
        return
    current = state.workspace().source
    if str(params.get("data", "")).startswith("upload:") and (
            current.kind != "upload" or shared.active_table()[1] != fingerprint):
        state.add_notices([("This session was saved on an uploaded file: upload the same file "
                           "on the Data screen first, then load the session again.")])
        return
    ws, notes = link.from_query(params, upload=current if current.kind == "upload" else None)
    if ws is None:
        state.add_notices(notes)
        return
    ws, more = checked(ws)
    state.restore(ws)
    state.add_notices(notes + more)
