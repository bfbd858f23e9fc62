"""Subgroups screen, part two: the bias bounty (Globus-Harris, Kearns & Roth 2022).

A submission is a group and a model for it; it is accepted when, on held-out rows, it lowers
the error on the group by a margin the test supports, and then goes in front of a decision list
whose repair step never lets the overall error or an earlier group's error rise.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st

from fairdash.exceptions import FairDashError
from fairdash.subgroups import (
    EVALUATION_SPLIT,
    Condition,
    DecisionList,
    parse_rule,
    submit,
    train_group_model,
)
from fairdash.ui import format as fmt
from fairdash.ui import shared, state

OPS = {"==": "is", "!=": "is not", "<": "is under", ">=": "is at least"}
LEARNERS = {"logreg": "Logistic regression", "hgb": "Histogram gradient boosting"}


@dataclass(frozen=True)
class Bounty:
    """The decision list built so far and every submission, in the order they came."""

    decision_list: object
    submissions: tuple = ()


def render(scored, rule: str | None) -> None:
    """The bounty: submit the picked slice or a hand-made group, the leaderboard, the list."""
    st.subheader("Bias bounty: patch a group without hurting anyone else")
    base = _base_estimator(scored)
    if base is None:
        st.info("The bounty patches a model; given scores have no model to patch. Train or "
                "upload a model on the Model screen to run it.")
        return
    bounty = state.bounty() or Bounty(DecisionList(base).fit())
    st.caption("A submission is a group and a model trained on that group's training rows. It "
               f"is judged on the {EVALUATION_SPLIT} rows (not those the slices were found on): "
               "accepted only if its error on the group is lower by a margin the test supports "
               "(one-sided, 5 %). Accepted groups go in front of the decision list, and the "
               "repair step makes sure neither the overall error nor an earlier group's error "
               "rises.")
    name = st.text_input("Your name (for the leaderboard)", "Analyst", key="w_subgroups_name",
                         max_chars=40)
    learner = st.selectbox("Model trained for the group", list(LEARNERS),
                           format_func=LEARNERS.get, key="w_subgroups_learner")
    left, right = st.columns(2)
    with left:
        if rule is not None:
            st.markdown(f"**Submit the slice picked above:** {fmt.code(rule)}")
        if rule is not None and st.button("Submit the slice above", key="w_subgroups_submit",
                                          type="primary"):
            _submit(scored, bounty, rule, learner, name)
    with right:
        built = _rule_builder(scored.dataset.frame)
        if built is not None:
            _submit(scored, bounty, built, learner, name)
    _leaderboard(bounty)
    _decision_list(bounty, scored)


def _base_estimator(scored):
    choice = state.model()
    if choice.kind == "builtin":
        return shared.builtin_model(scored.dataset, choice.name)
    if choice.kind in ("upload", "bounty"):
        return state.upload_model() if choice.kind == "upload" else \
            (state.bounty().decision_list if state.bounty() else None)
    return None


def _submit(scored, bounty: Bounty, rule: str, learner: str, who: str) -> None:
    ds = scored.dataset
    rows = ds.rows(EVALUATION_SPLIT)
    try:
        with st.spinner(f"Training {LEARNERS[learner]} on the group's training rows ..."):
            model = train_group_model(ds, rule, learner)
            verdict = submit(bounty.decision_list, rule, model, ds.frame[rows], ds.y[rows])
    except FairDashError as exc:
        st.error(f"{fmt.md(exc)} The decision list stays as it was.")
        return
    record = {"who": who.strip() or "Anonymous", "rule": verdict.rule,
              "accepted": verdict.accepted, "reason": verdict.reason, "n": verdict.n,
              "group": (verdict.group_error_before, verdict.group_error_after),
              "overall": (verdict.overall_error_before, verdict.overall_error_after),
              "repaired": verdict.repaired}
    state.set_bounty(replace(bounty, decision_list=verdict.decision_list,
                             submissions=(*bounty.submissions, record)))
    st.rerun()


def _rule_builder(frame) -> str | None:
    """Up to three conditions on any column, joined by "and"; returns the rule when submitted."""
    with st.form("w_subgroups_form", border=True):
        st.markdown("**Or propose a group of your own**")
        conditions = []
        for i in range(3):
            c1, c2, c3 = st.columns([3, 2, 3])
            column = c1.selectbox(f"Column {i + 1}", ["(none)", *map(str, frame.columns)],
                                  key=f"w_subgroups_col{i}")
            op = c2.selectbox(f"Condition {i + 1}", list(OPS), format_func=OPS.get,
                              key=f"w_subgroups_op{i}")
            value = c3.text_input(f"Value {i + 1}", key=f"w_subgroups_val{i}")
            if column != "(none)":
                conditions.append((column, op, value))
        sent = st.form_submit_button("Submit this group")
    if not sent:
        return None
    if not conditions:
        st.error("Choose at least one column for the group.")
        return None
    try:
        text = " and ".join(Condition(c, op, _typed(frame[c], v)).text()
                            for c, op, v in conditions)
        parse_rule(text).mask(frame)
    except (FairDashError, ValueError) as exc:
        st.error(fmt.md(exc))
        return None
    return text


def _typed(column, value: str):
    """The typed value of a condition: a number for a numeric column, else the text."""
    if pd.api.types.is_numeric_dtype(column):
        try:
            return float(value)
        except ValueError:
            raise ValueError(f"Column '{column.name}' holds numbers; '{value}' is not one.") \
                from None
    return value


def _leaderboard(bounty: Bounty) -> None:
    if not bounty.submissions:
        st.caption("No submission yet: submit the slice above or a group of your own.")
        return
    st.markdown("**Leaderboard** (most error removed first)")
    frame = pd.DataFrame([{
        "who": r["who"], "accepted": "yes" if r["accepted"] else "no",
        "error removed (points)": round(100 * (r["overall"][0] - r["overall"][1]), 2),
        "group": r["rule"], "rows judged": fmt.count(r["n"]),
        "group error before → after": f"{fmt.pct(r['group'][0])} → {fmt.pct(r['group'][1])}",
        "overall error before → after": f"{fmt.pct(r['overall'][0], 2)} → "
                                        f"{fmt.pct(r['overall'][1], 2)}",
        "why": r["reason"],
    } for r in bounty.submissions]).sort_values("error removed (points)", ascending=False)
    st.dataframe(frame, width="stretch", hide_index=True)


def _decision_list(bounty: Bounty, scored) -> None:
    dl = bounty.decision_list
    st.markdown("**The decision list now**")
    lines = dl.describe() if dl.groups_ else []
    st.markdown("  \n".join(fmt.md(line) for line in lines) if lines else
                "Every row is decided by the model the bounty started from: no group is "
                "patched yet.")
    accepted = sum(r["accepted"] for r in bounty.submissions)
    if not accepted:
        return
    from fairdash.models import save_model_bytes

    st.download_button("Download the decision list (.skops)", save_model_bytes(dl),
                       file_name="fairdash-decision-list.skops",
                       mime="application/octet-stream", key="w_subgroups_download",
                       help="A scikit-learn estimator saved with skops; load it with "
                            "fairdash.subgroups.load_decision_list.")
    choice = state.model()
    if choice.kind == "bounty" and state.upload_model() is dl:
        st.success("The decision list is the active model on every screen.")
        return
    if st.button("Use the updated model on every screen", key="w_subgroups_use",
                 help="Makes the decision list the active model: Audit, Mitigate, Tradeoffs "
                      "and Compare then measure it."):
        label = f"{accepted} patched group{'s' if accepted > 1 else ''}"
        state.use_bounty_model(state.ModelChoice("bounty", label, f"{id(dl):x}"), dl)
        st.rerun()
