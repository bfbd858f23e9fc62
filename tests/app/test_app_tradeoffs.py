"""The Tradeoffs page: fronts at once, numbers equal the library's, a chosen point's detail."""

import pytest

from fairdash.data import sample_roles
from fairdash.tradeoff import EvalRows, baseline_point, fast_points, measure, point_detail

PAGE = "app_pages/tradeoffs.py"


def _library(adult, name, strength, gap):
    ds, scores = adult
    rows = EvalRows.of(ds)
    base = baseline_point(ds, scores, rows=rows)
    strengths = [round(i / 50, 6) for i in range(51)]
    [point] = [p for p in fast_points(ds, name, strengths, scores, rows=rows)
               if p.strength == strength]
    table = measure([base, point], rows.labels, gap_name=gap)
    return table, point_detail(point, base, rows.labels, gap_name=gap)


def test_opens_with_the_post_processing_fronts_and_a_training_button(app, open_page, metric):
    at = open_page(app, PAGE)
    assert len(at.get("plotly_chart")) == 1
    assert [b.label for b in at.button] == ["Sweep the training methods"]
    assert any("14 methods that train a new model" in c.value for c in at.caption)
    assert any("Click a point" in c.value for c in at.caption)
    assert at.selectbox(key="w_tradeoff_gap").value == "demographic_parity_difference"


def test_chosen_point_detail_equals_the_library(app, open_page, metric, adult):
    at = open_page(app, PAGE)
    at.session_state["sweep"] = ("thresholds_dp", 0.6)
    at.run()
    assert not at.exception
    table, detail = _library(adult, "thresholds_dp", 0.6, "demographic_parity_difference")
    shown = metric(at, "Demographic parity difference")
    assert float(shown.value) == pytest.approx(table.iloc[1]["gap"], abs=5e-4)
    assert float(metric(at, "Accuracy").value) == pytest.approx(
        table.iloc[1]["performance"], abs=5e-4)
    changed = metric(at, "Decisions changed").value
    assert changed == f"{detail.changed:,.0f} of {detail.rows:,}"
    text = " ".join(m.value for m in at.markdown)
    assert detail.verdicts[0] in text
    assert "selection rate gap closed" in detail.verdicts[0]
    # the per-group table shows both groups with their sizes
    frame = at.dataframe[0].value
    assert set(frame.index) == {"Female", "Male"}


def test_another_gap_remeasures_without_refitting(app, open_page, metric, adult):
    at = open_page(app, PAGE)
    at.session_state["sweep"] = ("thresholds_eo", 1.0)
    at.selectbox(key="w_tradeoff_gap").set_value("equalized_odds_difference").run()
    assert not at.exception
    table, detail = _library(adult, "thresholds_eo", 1.0, "equalized_odds_difference")
    shown = metric(at, "Equalized odds difference")
    assert float(shown.value) == pytest.approx(table.iloc[1]["gap"], abs=5e-4)
    assert float(shown.value) < 0.03
    text = " ".join(m.value for m in at.markdown)
    assert "true positive rate gap" in text and "false positive rate" in text


def test_balanced_accuracy_axis(app, open_page, metric, adult):
    at = open_page(app, PAGE)
    at.session_state["sweep"] = ("barycenter", 1.0)
    at.selectbox(key="w_tradeoff_performance").set_value("balanced_accuracy").run()
    ds, scores = adult
    rows = EvalRows.of(ds)
    pts = fast_points(ds, "barycenter", [1.0], scores, rows=rows)
    expected = measure(pts, rows.labels, performance="balanced_accuracy").iloc[0]
    assert float(metric(at, "Balanced accuracy").value) == pytest.approx(
        expected["performance"], abs=5e-4)


def test_regression_target_sweeps_the_barycenter_on_rmse(app, open_page, metric):
    """Adult's hours_per_week: the barycenter front on RMSE against the mean prediction gap,
    and a chosen point's per-group mean predictions."""
    from fairdash.data import ColumnRoles
    from fairdash.ui.state import ModelChoice

    roles = sample_roles("adult")
    features = tuple(c for c in roles.features if c != "hours_per_week")
    app.session_state["roles"] = ColumnRoles("hours_per_week", None, ("sex",), features)
    app.session_state["model"] = ModelChoice("builtin", "linear")
    at = open_page(app, PAGE)
    assert at.selectbox(key="w_tradeoff_performance").value == "rmse"
    assert at.selectbox(key="w_tradeoff_gap").value == "mean_prediction_gap"
    assert any("3 methods that train a new model" in c.value for c in at.caption)
    at.session_state["sweep"] = ("barycenter", 1.0)
    at.run()
    assert not at.exception
    gap = float(metric(at, "Mean prediction gap").value)
    assert gap < 0.5   # hours; the base model's gap is about 5.7 hours
    assert float(metric(at, "Root mean squared error (RMSE)").value) > 5
    frame = at.dataframe[0].value
    assert list(frame.columns) == ["n (test rows)", "mean prediction", "MAE",
                                   "predictions changed"]
    text = " ".join(m.value for m in at.markdown)
    assert "mean prediction gap closed" in text


def test_a_sweep_belongs_to_its_session(app, open_page, metric):
    """Another session on the same data neither sees nor can stop this session's sweep."""
    from streamlit.testing.v1 import AppTest

    mine = open_page(app, PAGE)
    mine.button[0].click().run()
    assert [b.label for b in mine.button] == ["Stop the training sweeps"]
    theirs = open_page(AppTest.from_file(app._script_path, default_timeout=120), PAGE)
    assert not theirs.exception
    # a start (or resume, where the first session's points are already in) button of its own
    assert [b.label for b in theirs.button] in (["Sweep the training methods"],
                                                ["Resume the training sweeps"])
    assert not any("in the background: points appear" in i.value for i in theirs.info)
    mine.button(key="w_tradeoff_stop").click().run()
    assert any("Stopping" in i.value for i in mine.info) or \
        [b.label for b in mine.button] == ["Resume the training sweeps"]
    assert mine.session_state["sweep_job"][1].wait(timeout=300)
