"""The frame around every screen: the page list, the sidebar summary and the guards.

A guard that cannot go on draws one sentence and a link, then raises :class:`Halt`;
:func:`run` catches it, so a screen ends early without ``st.stop()`` and the sidebar is drawn
after every screen, including one that stopped.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from fairdash.exceptions import FairDashError
from fairdash.ui import format as fmt
from fairdash.ui import state

if TYPE_CHECKING:
    from fairdash.ui import shared

# The data layer (``shared``, ``SAMPLES``: pandas, numpy) is imported by the functions that
# need it, so that app.py gets the page list and sends its chart placeholder before it (issue 16).

ROOT = Path(__file__).resolve().parents[2]

#: (script relative to the project root, title, icon, default page?)
PAGES = (
    ("app_pages/home.py", "Home", ":material/home:", True),
    ("app_pages/data.py", "Data", ":material/table_view:", False),
    ("app_pages/model.py", "Model", ":material/model_training:", False),
    ("app_pages/audit.py", "Audit", ":material/balance:", False),
    ("app_pages/mitigate.py", "Mitigate", ":material/tune:", False),
    ("app_pages/tradeoffs.py", "Tradeoffs", ":material/scatter_plot:", False),
    ("app_pages/compare.py", "Compare", ":material/compare_arrows:", False),
    ("app_pages/subgroups.py", "Subgroups", ":material/travel_explore:", False),
    ("app_pages/report.py", "Report", ":material/description:", False),
    ("app_pages/learn.py", "Learn", ":material/school:", False),
    ("app_pages/learn_rates.py", "1 · What the gaps measure", ":material/groups:", False),
    ("app_pages/learn_impossible.py", "2 · You cannot have them all", ":material/block:", False),
    ("app_pages/learn_loan.py", "3 · Thresholds per group", ":material/payments:", False),
    ("app_pages/learn_bias.py", "4 · Where bias comes from", ":material/science:", False),
    ("app_pages/learn_pays.py", "5 · Who pays", ":material/trending_down:", False),
    ("app_pages/learn_bounty.py", "6 · The groups nobody named", ":material/travel_explore:",
     False),
    ("app_pages/learn_glossary.py", "Glossary", ":material/menu_book:", False),
)
#: pages of the Learn section of the menu (the classroom lessons, docs/methods.md §12)
LEARN_PAGES = tuple(p for p in PAGES if p[0].startswith("app_pages/learn"))
GLOSSARY_PAGE = "app_pages/learn_glossary.py"
DATA_PAGE, MODEL_PAGE, AUDIT_PAGE, MITIGATE_PAGE, SUBGROUPS_PAGE = (
    "app_pages/data.py", "app_pages/model.py", "app_pages/audit.py", "app_pages/mitigate.py",
    "app_pages/subgroups.py")


class Halt(Exception):
    """Raised by a guard after it has said why the screen cannot go on."""


def pages() -> dict:
    """``st.Page`` objects in menu order, in two sections (analyse, learn); Home opens first."""
    made = {path: st.Page(str(ROOT / path), title=title, icon=icon, default=default)
            for path, title, icon, default in PAGES}
    learn = [p[0] for p in LEARN_PAGES]
    return {"Analyse": [page for path, page in made.items() if path not in learn],
            "Learn": [made[path] for path in learn]}


def run(render, connected=None) -> None:
    """Run a screen's ``render()`` (``connected()`` instead when the active source is a table
    counted where it lives, issue 15); a guard's :class:`Halt` ends it quietly."""
    if connected is not None and state.connected() is not None:
        render = connected
    try:
        render()
    except Halt:
        pass


def unexpected_error(exc: BaseException) -> None:
    """An error no guard expected: logged on the server with its traceback under a short id,
    shown to the user as one sentence with that id (no traceback, no server paths)."""
    import logging
    import os
    import uuid

    if os.environ.get("FAIRDASH_RAISE_ERRORS") == "1":  # the AppTests see the exception itself
        raise exc
    error_id = uuid.uuid4().hex[:8]
    logging.getLogger("fairdash").error("unexpected error %s", error_id, exc_info=exc)
    st.error(f"Something went wrong on this screen (error id {error_id}). The rest of the app "
             "keeps working and your data and choices are kept; if it happens again, quote "
             "this id to whoever runs FairDash.")


def stop_with(message: str, page: str, label: str) -> None:
    """Show ``message`` as an error with a link to ``page``, then halt the screen."""
    st.error(message)
    st.page_link(page, label=label, icon=":material/arrow_forward:")
    raise Halt


def guard_dataset():
    """The active Dataset, or an error with a link to the Data screen (also on a connected
    table, which has no rows here; its pages route to screens that say so first)."""
    if state.connected() is not None:
        stop_with("This screen needs rows in memory, and the connected table stays in its "
                  "engine: load a sample of its rows on the Data screen.", DATA_PAGE,
                  "Load a sample on the Data page")
    from fairdash.ui import shared

    try:
        return shared.active_dataset()
    except FairDashError as exc:
        stop_with(str(exc), DATA_PAGE, "Fix the column roles on the Data page")


def guard_scores() -> shared.Scored:
    """Scores of the active model on the audited rows (training shows progress), or an error
    with a link to the Model screen."""
    from fairdash.ui import shared

    guard_dataset()
    slot = st.empty()  # the status box disappears once the model is ready
    try:
        with slot.status("Preparing the model ...", expanded=False) as status:
            scored = shared.active_scores(progress=lambda msg: status.update(label=msg))
        slot.empty()
        return scored
    except FairDashError as exc:
        slot.empty()
        stop_with(str(exc), MODEL_PAGE, "Choose another model on the Model page")


def guard_classification(scored, what: str) -> None:
    """Halt a screen that needs yes/no decisions when the target is continuous."""
    if scored.task == "regression":
        stop_with(f"{what} needs yes/no decisions; the target "
                  f"{fmt.code(scored.dataset.roles.target)} is continuous. Choose a yes/no "
                  "target on the Data page.", DATA_PAGE, "Open the Data page")


def audited_rows_caption(scored) -> None:
    """The one sentence every screen states about which rows its numbers come from."""
    st.caption(f"{fmt.md(scored.description)} Every screen and the command line measure on these "
               "same held-out rows.")


def warnings(messages, sizes=None) -> None:
    """Warnings, with messages about individual groups folded into one (``sizes``: group
    label -> rows, to name each small group with its size)."""
    from fairdash._messages import fold_group_messages

    for message in fold_group_messages(list(dict.fromkeys(messages)), sizes=sizes):
        st.warning(fmt.md(message))


def group_dataframe(table, most: int = 460) -> None:
    """A per-group table that scrolls instead of clipping when there are many groups."""
    st.dataframe(table, width="stretch", height=min(38 + 35 * len(table), most))


def positive_meaning() -> str:
    """What a positive prediction means, in words, for sentences."""
    from fairdash.data import SAMPLES

    src, roles = state.source(), state.roles()
    if src.kind == "sample" and roles.target == SAMPLES[src.name].target:
        return SAMPLES[src.name].positive_meaning
    return f"{roles.target} = {roles.positive_label}"


def active_data_name() -> str:
    """Display name of the active table (escape it before markdown)."""
    from fairdash.data import SAMPLES

    src = state.source()
    return SAMPLES[src.name].title if src.kind == "sample" else src.name


def _task() -> str | None:
    if state.connected() is not None:  # counted where it lives: yes/no outcomes only
        return "classification"
    from fairdash.ui import shared

    try:
        return shared.active_dataset().task
    except FairDashError:
        return None


def journey() -> list[tuple[str, str, bool, str]]:
    """(step, page, done, status in words) for data -> model -> audit -> mitigate."""
    from fairdash.mitigation import REGISTRY
    from fairdash.models import builtin_models

    task = _task()
    choice = state.model()
    data_ok = task is not None
    model_ok = data_ok and choice is not None
    if not model_ok:
        model_status = "none yet"
    elif choice.kind == "builtin":
        model_status = builtin_models(task).get(choice.name, choice.name)
    else:
        model_status = {"upload": "uploaded", "bounty": "bias-bounty list"}.get(
            choice.kind, "given predictions")
    active = state.mitigation()
    return [
        ("Data", DATA_PAGE, data_ok,
         active_data_name().split(" (")[0] if data_ok else "roles to fix"),
        ("Model", MODEL_PAGE, model_ok, model_status),
        ("Audit", AUDIT_PAGE, model_ok, "ready" if model_ok else "needs a model"),
        ("Mitigate", MITIGATE_PAGE, active is not None,
         f"{REGISTRY[active.name].label} at {active.strength:.2f}" if active
         else "none yet"),
    ]


def sidebar(where) -> None:
    """Active data, model, threshold and mitigation in the sidebar container ``where``."""
    from fairdash.models import builtin_models

    roles, choice = state.roles(), state.model()
    task = _task()
    with where:
        st.page_link(GLOSSARY_PAGE, label="Glossary of fairness terms",
                     icon=":material/menu_book:")
        st.caption("Where you are")
        st.markdown(" → ".join(f"{'✓ ' if done else ''}{label}"
                               for label, _, done, _ in journey()))
        st.caption("Active data")
        st.markdown(f"**{fmt.md(active_data_name())}**")
        if task is None:
            st.markdown("Column roles do not fit this table yet.")
        elif roles:
            outcome = f"Target {fmt.code(roles.target)} (regression)" if task == "regression" \
                else f"Target {fmt.code(roles.target)} = {fmt.code(roles.positive_label)}"
            st.markdown(f"{outcome}  \nGroups: "
                        f"{', '.join(fmt.code(c) for c in roles.sensitive)}")
        pending = state.pending_upload()
        if pending is not None:
            st.caption(f"Upload {fmt.quoted(pending[0].name)} is waiting for roles that fit; "
                       "the table above stays active.")
        st.caption("Active model")
        if choice is None:
            st.markdown("none yet")
        elif choice.kind == "builtin":
            label = builtin_models(task or "classification").get(choice.name, choice.name)
            st.markdown(f"**{label}** (trained here)")
        elif choice.kind == "upload":
            st.markdown(f"**Uploaded:** {fmt.md(choice.name)}")
        elif choice.kind == "bounty":
            st.markdown(f"**Bias-bounty decision list** ({fmt.md(choice.name)})")
        else:
            st.markdown(f"**Given predictions:** {fmt.code(choice.name)}")
        st.caption("Active mitigation")
        mitigation = state.mitigation()
        if mitigation is None:
            st.markdown("none (choose one on Mitigate or Tradeoffs)")
        else:
            from fairdash.mitigation import REGISTRY

            st.markdown(f"**{REGISTRY[mitigation.name].label}** at strength "
                        f"{mitigation.strength:.2f}")
