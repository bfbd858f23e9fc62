"""A continuous target end to end: the Data page offers a regression audit, the Model page trains
a regressor, and the Audit page shows the library's regression gaps."""

import numpy as np
import pytest

from fairdash.data import (ColumnRoles, build_dataset, infer_task, load_sample, sample_roles,
                           table_fingerprint)
from fairdash.metrics import REGRESSION_GAPS, regression_audit
from fairdash.models import fit_builtin, save_model_bytes, score_dataset
from fairdash.ui.state import DataSource, ModelChoice

TARGET = "hours_per_week"
FEATURES = tuple(c for c in sample_roles("adult").features if c != TARGET)


def _errors(at):
    return [e.value for e in at.error]


def _number(text: str) -> float:
    return float("nan") if text == "n/a" else float(text.replace(",", ""))


def _regression_gaps(at) -> dict:
    """Gap name -> (value, ci_low, ci_high, p_value) as the regression gap table shows them."""
    for table in at.table:
        frame = table.value
        if "what it measures" in frame.columns:
            out = {}
            for _, row in frame.iterrows():
                low, high = row["95 % CI"].split(" to ")
                out[row["name"]] = (_number(row["value"]), _number(low), _number(high),
                                    _number(row["p-value"]))
            return out
    raise AssertionError("no regression gap table on the page")


def _expected(roles: ColumnRoles, model="linear", min_group_size=30):
    ds = build_dataset(load_sample("adult"), roles)
    test = ds.rows("test")
    predictions = score_dataset(fit_builtin(ds, model), ds)[test]
    return regression_audit(ds.y[test], predictions, min_group_size=min_group_size,
                            sensitive_features=ds.frame.loc[test, list(roles.sensitive)])


def _assert_gaps_equal(shown: dict, expected) -> None:
    assert set(shown) == set(REGRESSION_GAPS)
    for name, row in expected.gaps.iterrows():
        for got, want in zip(shown[name], row[["value", "ci_low", "ci_high", "p_value"]]):
            # the table shows 4 significant digits (p-values 3 decimals)
            assert got == pytest.approx(want, rel=6e-4, abs=6e-4), (name, got, want)


def test_continuous_target_on_the_data_page_then_linear_model_then_audit(app):
    app.run()
    app.switch_page("app_pages/data.py").run()
    key = table_fingerprint(load_sample("adult"))
    app.selectbox(key=f"w_target_{key}").select(TARGET).run()
    assert not app.exception
    # no positive label to choose for a number; the page says what will happen instead
    assert not [w for w in app.selectbox if w.key and w.key.startswith("w_positive_")]
    assert any("continuous target: regression audit" in c.value.lower() for c in app.caption)
    app.button(key=f"w_apply_{key}").click().run()
    assert not app.exception and not _errors(app), _errors(app)
    roles = app.session_state["roles"]
    assert roles.target == TARGET and roles.positive_label is None
    assert roles.features == FEATURES and roles.sensitive == ("sex",)
    assert app.session_state["model"] == ModelChoice("builtin", "linear")
    assert "mean_target" in app.dataframe[-1].value.columns

    app.switch_page("app_pages/model.py").run()
    assert not app.exception and not _errors(app), _errors(app)
    picker = app.selectbox(key="w_builtin_regression")
    assert picker.options == ["Ridge regression", "Histogram gradient boosting",
                              "Random forest"]
    assert "Ridge regression trained on the train split" in app.success[0].value
    labels = [m.label for m in app.metric]
    assert any(label.startswith("MAE (hours_per_week)") for label in labels), labels
    assert "R²" in labels

    app.switch_page("app_pages/audit.py").run()
    assert not app.exception and not _errors(app), _errors(app)
    assert not [s for s in app.slider if s.key == "w_threshold"]  # nothing to threshold
    expected = _expected(roles)
    shown = _regression_gaps(app)
    _assert_gaps_equal(shown, expected)
    assert shown["mean_prediction_gap"][0] > 1  # men are predicted to work longer hours
    assert len(app.get("plotly_chart")) == 3  # sizes, errors per group, prediction distributions
    per_group = [t.value for t in app.table if "Female (n = 3,238)" in t.value.columns]
    assert per_group, "per-group table with n in its header"
    assert per_group[0].loc["rows (n)", "Male (n = 6,530)"] == "6,530"


def test_regression_audit_from_session_state_with_intersectional_groups(app):
    roles = ColumnRoles(TARGET, None, ("sex", "race"), FEATURES)
    app.session_state["source"] = DataSource("sample", "adult")
    app.session_state["roles"] = roles
    app.run()
    app.switch_page("app_pages/audit.py").run()  # the classifier left over is replaced
    assert not app.exception and not _errors(app), _errors(app)
    assert app.session_state["model"] == ModelChoice("builtin", "linear")
    _assert_gaps_equal(_regression_gaps(app), _expected(roles))
    app.number_input(key="w_min_size").set_value(50).run()
    assert not app.exception
    expected = _expected(roles, min_group_size=50)
    assert set(expected.excluded_groups) == {"Female & Amer-Indian-Eskimo", "Female & Other"}
    _assert_gaps_equal(_regression_gaps(app), expected)
    assert any("left out of the gaps" in w.value for w in app.warning)
    app.selectbox(key="w_reg_stat").select("rmse").run()
    assert not app.exception and not _errors(app)


def test_uploaded_skops_regressor_is_audited_on_the_test_rows(app):
    roles = ColumnRoles(TARGET, None, ("sex",), ("age", "education_num", "occupation", "sex"))
    ds = build_dataset(load_sample("adult"), roles)
    model = fit_builtin(ds, "linear", random_state=3)
    app.session_state["source"] = DataSource("sample", "adult")
    app.session_state["roles"] = roles
    app.run()
    app.switch_page("app_pages/model.py").run()
    app.radio(key="w_model_kind").set_value("Upload a model (skops file)").run()
    app.file_uploader(key="w_model_upload").set_value(
        ("ridge.skops", save_model_bytes(model), "application/octet-stream")).run()
    assert not app.exception and not _errors(app), _errors(app)
    assert "Uploaded model 'ridge.skops'" in app.success[0].value
    app.switch_page("app_pages/audit.py").run()
    assert not app.exception and not _errors(app), _errors(app)
    test = ds.rows("test")
    expected = regression_audit(ds.y[test], score_dataset(model, ds)[test],
                                sensitive_features=ds.frame.loc[test, "sex"])
    _assert_gaps_equal(_regression_gaps(app), expected)


def test_compas_decile_score_is_not_a_continuous_target():
    """decile_score takes the values 1-10: an ordinal score, which infer_task calls multiclass,
    so COMPAS keeps its predictions-only classification audit of that column (see
    test_app_pages) rather than a regression audit."""
    assert infer_task(load_sample("compas")["decile_score"]) == "multiclass"
    assert np.array_equal(np.sort(load_sample("compas")["decile_score"].unique()),
                          np.arange(1, 11))
