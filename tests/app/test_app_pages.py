"""Every page runs on every sample, and the main flow shows the library's numbers."""

import numpy as np
import pandas as pd
import pytest

from fairdash.data import SAMPLES, build_dataset, load_sample, sample_roles
from fairdash.metrics import audit
from fairdash.models import fit_builtin, score_dataset
from fairdash.ui.shell import PAGES
from fairdash.ui.state import DataSource


def _errors(at):
    return [e.value for e in at.error]


@pytest.mark.parametrize("sample", list(SAMPLES))
def test_every_page_runs_on_every_sample(app, sample):
    app.session_state["source"] = DataSource("sample", sample)
    app.session_state["roles"] = sample_roles(sample)
    app.run()
    assert not app.exception
    for path, title, _, _ in PAGES:
        app.switch_page(path).run()
        assert not app.exception, (path, app.exception)
        assert not _errors(app), (path, _errors(app))
        assert app.title[0].value  # every page has a title
        # item 5: the sidebar summary is on every page, also one that stops early
        assert "Active data" in [c.value for c in app.sidebar.caption], path


def _expected_gap(sample, name, threshold=0.5, model="logreg", min_group_size=30):
    ds = build_dataset(load_sample(sample), sample_roles(sample))
    scores = score_dataset(fit_builtin(ds, model), ds)
    test = ds.rows("test")
    result = audit(ds.y[test], y_score=scores[test], threshold=threshold,
                   min_group_size=min_group_size,
                   sensitive_features=ds.frame.loc[test, list(ds.roles.sensitive)])
    return result.gaps.loc[name, "value"]


def test_first_load_is_home_and_audit_shows_adult_with_logistic_regression(app, gap_value):
    app.run()
    assert not app.exception
    assert app.title[0].value == "FairDash"  # item 13: a landing screen, not the audit
    labels = [b.label for b in app.button]
    assert labels == ["Audit Adult", "Repair COMPAS scores", "Start with a synthetic population"]
    app.switch_page("app_pages/audit.py").run()
    assert app.title[0].value == "Fairness audit"
    shown = gap_value(app, "demographic_parity_difference")
    expected = _expected_gap("adult", "demographic_parity_difference")
    assert shown == pytest.approx(expected, abs=5e-4)  # the table shows three decimals
    assert shown > 0.05  # Adult's sex gap in selection rate is real and large
    figs = app.get("plotly_chart")
    assert len(figs) == 1  # group sizes; rates, ROC and score distributions are drawn by
    assert len(app.get("component_instance")) == 1  # the threshold component, in the browser


def test_threshold_slider_moves_the_numbers(app, gap_value):
    app.run()
    app.switch_page("app_pages/audit.py").run()
    before = gap_value(app, "equal_opportunity_difference")
    # what the threshold component sends when the slider is let go at 0.3
    app.session_state["w_threshold"] = {"threshold": 0.3, "id": "release-1"}
    app.run()
    after = gap_value(app, "equal_opportunity_difference")
    assert after != before
    assert after == pytest.approx(
        _expected_gap("adult", "equal_opportunity_difference", threshold=0.3), abs=5e-4)


def test_flow_sample_roles_model_audit(app, gap_value):
    app.run()
    app.switch_page("app_pages/data.py").run()
    app.selectbox(key="w_sample").select("german").run()
    assert not app.exception
    app.switch_page("app_pages/model.py").run()
    app.selectbox(key="w_builtin").select("hgb").run()
    assert not app.exception
    assert "Histogram gradient boosting" in app.success[0].value
    app.switch_page("app_pages/audit.py").run()
    # German's test split has 29 applicants under 25: below the default minimum of 30
    assert np.isnan(gap_value(app, "equalized_odds_difference"))
    assert any("lower the minimum group size" in w.value for w in app.warning)
    app.number_input(key="w_min_size").set_value(20).run()
    shown = gap_value(app, "equalized_odds_difference")
    assert shown == pytest.approx(_expected_gap("german", "equalized_odds_difference",
                                                model="hgb", min_group_size=20), abs=5e-4)
    assert shown > 0


def test_predictions_only_audit_of_compas_decile_score(app, gap_value):
    app.session_state["source"] = DataSource("sample", "compas")
    app.session_state["roles"] = sample_roles("compas")
    app.run()
    app.switch_page("app_pages/data.py").run()
    key = [w.key for w in app.selectbox if w.key and w.key.startswith("w_score_")][0]
    app.selectbox(key=key).select("decile_score").run()
    app.checkbox(key=key.replace("w_score_", "w_rescale_")).check().run()
    app.button(key=key.replace("w_score_", "w_apply_")).click().run()
    assert not _errors(app), _errors(app)
    app.switch_page("app_pages/model.py").run()
    app.radio(key="w_model_kind").set_value(
        "Predictions only (a score or decision column)").run()
    assert not app.exception and not _errors(app)
    app.switch_page("app_pages/audit.py").run()
    frame = load_sample("compas")
    test = build_dataset(frame, sample_roles("compas")).rows("test")  # item 2: test rows
    score = (frame["decile_score"] - 1) / 9
    expected = audit(frame["two_year_recid"][test], y_score=score[test], threshold=0.5,
                     sensitive_features=frame["race_binary"][test])
    assert gap_value(app, "demographic_parity_difference") == pytest.approx(
        expected.gaps.loc["demographic_parity_difference", "value"], abs=5e-4)


def test_csv_upload_with_string_labels(app, gap_value):
    rng = np.random.default_rng(3)
    n = 600
    gender = rng.choice(["woman", "man"], n)
    x = rng.normal(size=n) + (gender == "man") * 0.5
    outcome = np.where(x + rng.normal(size=n) > 0.3, "yes", "no")
    data = pd.DataFrame({"gender": gender, "x": x, "hours": rng.integers(10, 60, n),
                         "hired": outcome}).to_csv(sep=";", index=False).encode()
    app.run()
    app.switch_page("app_pages/data.py").run()
    app.radio(key="w_source_kind").set_value("Upload a file").run()
    app.file_uploader(key="w_upload").set_value(("hires.csv", data, "text/csv")).run()
    assert not app.exception and not _errors(app), _errors(app)
    assert app.session_state["source"].name == "hires.csv"
    assert app.session_state["roles"].positive_label == "yes"
    app.switch_page("app_pages/audit.py").run()
    assert not app.exception and not _errors(app)
    shown = gap_value(app, "demographic_parity_difference")
    assert 0 <= shown <= 1


def test_bad_upload_shows_a_sentence_and_keeps_the_app(app, gap_value):
    app.run()
    app.switch_page("app_pages/data.py").run()
    app.radio(key="w_source_kind").set_value("Upload a file").run()
    # a pickle renamed to .csv gets past the browser's file-type filter, not past ours
    app.file_uploader(key="w_upload").set_value(("data.csv", b"\x80\x04junk", "text/csv")).run()
    assert not app.exception
    assert any("pickle" in e.lower() for e in _errors(app))
    app.switch_page("app_pages/audit.py").run()  # the previous data (Adult) still audits
    assert not app.exception and not _errors(app)
    assert gap_value(app, "demographic_parity_difference") > 0


def test_invalid_roles_are_refused_with_the_column_named(app):
    app.run()
    app.switch_page("app_pages/data.py").run()
    key = [w.key for w in app.multiselect if w.key and w.key.startswith("w_sensitive_")][0]
    app.multiselect(key=key).set_value(["age"]).run()  # 73 distinct ages
    app.button(key=key.replace("w_sensitive_", "w_apply_")).click().run()
    assert not app.exception
    assert any("age" in e and "groups" in e for e in _errors(app)), _errors(app)
    app.switch_page("app_pages/audit.py").run()  # previous roles still in force
    assert not _errors(app)
