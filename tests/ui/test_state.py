"""The session's state transitions, as pure functions (no Streamlit run needed)."""

import ast
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdash.data import ColumnRoles, sample_roles
from fairdash.tradeoff import BASELINE
from fairdash.ui import state
from fairdash.ui.state import (DOWNSTREAM, DataSource, MitigationChoice, ModelChoice,
                               Workspace, default_workspace, with_comparison, with_mitigation,
                               with_model, with_point, with_roles, with_source, with_threshold)

UI = Path(__file__).resolve().parents[2] / "fairdash" / "ui"


def _busy() -> Workspace:
    """A workspace with something set at every level of the chain."""
    ws = default_workspace()
    ws = with_mitigation(ws, MitigationChoice("thresholds_dp", 0.6))
    ws = with_comparison(ws, ("base", "thresholds_dp@0.6"))
    return replace(ws, threshold=0.4, report="r")


def test_the_docstring_chain_equals_downstream():
    doc = state.__doc__.split("Chain")[1]
    chain, last = {}, None
    for line in doc.split("::")[1].splitlines():
        if line.strip() and not line.startswith(" "):
            break  # the end of the indented block
        match = re.match(r"\s+(\w+)\s+->\s+(.+)$", line)
        if match:
            last = match.group(1)
            chain[last] = match.group(2)
        elif line.strip() and last:  # a continuation line
            chain[last] += " " + line.strip()
    chain = {k: tuple(x.strip() for x in v.split(",") if x.strip()) for k, v in chain.items()}
    assert chain == DOWNSTREAM


def test_every_downstream_key_is_a_workspace_field_or_session_key():
    fields = set(Workspace.__dataclass_fields__)
    for key, cleared in DOWNSTREAM.items():
        assert key in state.KEYS or key in fields
        assert set(cleared) <= fields, key


def test_a_new_source_clears_everything_downstream():
    ws = with_source(_busy(), DataSource("sample", "german"), sample_roles("german"))
    assert ws.mitigation is None and ws.sweep is None and ws.comparison is None
    assert ws.threshold == state.DEFAULT_THRESHOLD and ws.report is None
    assert ws.model == ModelChoice("builtin", "logreg")
    assert ws.roles == sample_roles("german")


def test_new_roles_clear_the_model_and_results_but_the_same_roles_change_nothing():
    ws = _busy()
    assert with_roles(ws, ws.roles) is ws
    roles = ColumnRoles("income_gt_50k", "1", ("race",), ws.roles.features)
    out = with_roles(ws, roles)
    assert out.mitigation is None and out.comparison is None and out.roles == roles
    regression = ColumnRoles("hours_per_week", None, ("sex",), ("age",))
    assert with_roles(ws, regression, task="regression").model == ModelChoice("builtin",
                                                                              "linear")


def test_a_score_column_without_features_makes_given_predictions_the_model():
    roles = ColumnRoles("two_year_recid", "1", ("race",), (), "decile_score")
    out = with_roles(default_workspace(), roles)
    assert out.model == ModelChoice("scores", "decile_score")


def test_another_model_clears_mitigation_point_and_comparison_but_not_the_threshold():
    out = with_model(_busy(), ModelChoice("builtin", "hgb"))
    assert out.mitigation is None and out.sweep is None and out.comparison is None
    assert out.threshold == 0.4
    same = with_model(_busy(), _busy().model)
    assert same.mitigation == MitigationChoice("thresholds_dp", 0.6)


def test_the_threshold_keeps_the_mitigation_and_clears_only_the_report():
    out = with_threshold(_busy(), 0.7)
    assert out.threshold == 0.7 and out.mitigation is not None and out.report is None
    assert out.comparison == ("base", "thresholds_dp@0.6")


def test_a_tradeoff_point_becomes_the_active_mitigation_and_the_base_point_clears_it():
    ws = with_point(default_workspace(), ("thresholds_dp", 0.6), BASELINE)
    assert ws.mitigation == MitigationChoice("thresholds_dp", 0.6)
    assert ws.sweep == ("thresholds_dp", 0.6)
    base = with_point(ws, (BASELINE, 0.0), BASELINE)
    assert base.mitigation is None and base.sweep == (BASELINE, 0.0)


def test_item3_a_later_mitigation_clears_the_chosen_point():
    """Issue 10 item 3: choose 0.60 on Tradeoffs, then 0.30 on Mitigate: no stale point."""
    ws = with_point(default_workspace(), ("thresholds_dp", 0.6), BASELINE)
    out = with_mitigation(ws, MitigationChoice("thresholds_dp", 0.3))
    assert out.sweep is None
    assert out.mitigation == MitigationChoice("thresholds_dp", 0.3)


def test_the_default_workspace_has_no_active_mitigation():
    """Issue 10 item 4: nothing is active until the user chooses it."""
    ws = default_workspace()
    assert ws.mitigation is None and ws.sweep is None and ws.comparison is None


def test_the_compas_demo_is_given_scores_by_race_with_the_barycenter_chosen():
    ws = state.with_compas_demo(_busy())
    assert ws.source == DataSource("sample", "compas")
    assert ws.model == ModelChoice("scores", "decile_score") and ws.rescale_scores
    assert ws.roles.sensitive == ("race_binary",)
    assert ws.mitigation == MitigationChoice("barycenter", 1.0) and ws.comparison is None


_CHOICES = st.sampled_from(["thresholds_dp", "thresholds_eo", "barycenter", "reweighing"])
_STEPS = st.lists(st.one_of(
    st.tuples(st.just("mitigation"), _CHOICES, st.floats(0, 1)),
    st.tuples(st.just("point"), _CHOICES, st.floats(0, 1)),
    st.tuples(st.just("model"), st.sampled_from(["logreg", "hgb", "forest"]), st.just(0.0)),
    st.tuples(st.just("threshold"), st.just(""), st.floats(0, 1)),
), max_size=12)


@settings(max_examples=200, deadline=None)
@given(_STEPS)
def test_the_chosen_point_is_always_the_active_mitigation_or_the_base(steps):
    """Whatever the order of choices, a Tradeoffs point is shown as chosen only while it is
    the active mitigation (or it is the base model's point and nothing is active)."""
    ws = default_workspace()
    for kind, name, value in steps:
        if kind == "mitigation":
            ws = with_mitigation(ws, MitigationChoice(name, value))
        elif kind == "point":
            ws = with_point(ws, (name, round(value, 2)), BASELINE)
        elif kind == "model":
            ws = with_model(ws, ModelChoice("builtin", name))
        else:
            ws = with_threshold(ws, value)
        if ws.sweep is not None:
            if ws.sweep[0] == BASELINE:
                assert ws.mitigation is None
            else:
                assert (ws.mitigation.name, ws.mitigation.strength) == ws.sweep


def _widget_keys(tree) -> list[str]:
    keys = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "key":
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                keys.append(node.value.value)
            elif isinstance(node.value, ast.JoinedStr) and node.value.values and \
                    isinstance(node.value.values[0], ast.Constant):
                keys.append(node.value.values[0].value)
    return keys


@pytest.mark.parametrize("path", sorted((UI / "screens").glob("*.py")), ids=lambda p: p.stem)
def test_every_widget_key_is_registered_to_the_screen_that_draws_it(path):
    screen = path.stem.split("_")[0]
    if screen == "__init__":
        return
    for key in _widget_keys(ast.parse(path.read_text())):
        assert state.owner(key) == screen, (path.name, key)


def test_only_state_touches_session_state_and_screens_do_not_import_each_other():
    for path in UI.rglob("*.py"):
        text = path.read_text()
        if path.name != "state.py":
            assert "session_state" not in text, path
        if path.parent.name == "screens":
            screen = path.stem.split("_")[0]
            for match in re.finditer(r"fairdash\.ui\.screens(?:\.(\w+)| import (\w+))", text):
                other = (match.group(1) or match.group(2)).split("_")[0]
                assert other == screen, (path.name, match.group(0))


def test_seed_widget_refuses_another_screens_key():
    with pytest.raises(KeyError):
        state.seed_widget("tradeoffs", "w_strength_thresholds_dp", 0.6)
