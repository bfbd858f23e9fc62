"""Model page: a real skops file loads and is audited; pickles are refused with a reason."""

import pickle

import pytest

from fairdash.data import build_dataset, load_sample, sample_roles
from fairdash.metrics import audit
from fairdash.models import fit_builtin, save_model_bytes, score_dataset

UPLOAD = "Upload a model (skops file)"


@pytest.fixture(scope="module")
def adult_model():
    ds = build_dataset(load_sample("adult"), sample_roles("adult"))
    return ds, fit_builtin(ds, "logreg", random_state=7)


def _upload_model(app, name: str, data: bytes, sample: str | None = None) -> None:
    """Open the Model page (after choosing ``sample`` on the Data page) and upload a file."""
    app.run()
    if sample:
        app.switch_page("app_pages/data.py").run()
        app.selectbox(key="w_sample").select(sample).run()
    app.switch_page("app_pages/model.py").run()
    app.radio(key="w_model_kind").set_value(UPLOAD).run()
    app.file_uploader(key="w_model_upload").set_value(
        (name, data, "application/octet-stream")).run()


def test_uploaded_skops_model_is_audited_on_the_test_rows(app, gap_value, adult_model):
    ds, model = adult_model
    _upload_model(app, "adult-logreg.skops", save_model_bytes(model))
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert "Uploaded model 'adult-logreg.skops'" in app.success[0].value
    app.switch_page("app_pages/audit.py").run()
    test = ds.rows("test")  # one rule for every model: the held-out test split
    expected = audit(ds.y[test], y_score=score_dataset(model, ds)[test],
                     sensitive_features=ds.frame.loc[test, "sex"])
    assert gap_value(app, "equalized_odds_difference") == pytest.approx(
        expected.gaps.loc["equalized_odds_difference", "value"], abs=5e-4)


def test_pickled_model_is_refused_and_the_app_keeps_working(app, gap_value, adult_model):
    _, model = adult_model
    _upload_model(app, "model.pkl", pickle.dumps(model))
    assert not app.exception
    messages = " ".join(e.value for e in app.error)
    assert "pickle" in messages.lower() and "skops" in messages
    app.switch_page("app_pages/audit.py").run()  # still the built-in model
    assert not app.error
    assert gap_value(app, "demographic_parity_difference") > 0


def test_model_expecting_other_columns_gets_a_clear_sentence(app, adult_model):
    _, model = adult_model
    _upload_model(app, "adult.skops", save_model_bytes(model), sample="german")
    assert not app.exception
    messages = " ".join(e.value for e in app.error)
    assert "workclass" in messages or "expects columns" in messages, messages


def test_uploaded_model_is_compared_with_a_model_trained_here(app, adult_model, metric):
    """The uploaded logistic regression against the one trained here: same decisions, no
    flips; against boosting, the library's flips."""
    from fairdash.compare import flip_report

    ds, model = adult_model
    _upload_model(app, "adult-logreg.skops", save_model_bytes(model))
    app.switch_page("app_pages/compare.py").run()
    assert not app.exception and not [e.value for e in app.error]
    assert app.selectbox(key="w_compare_old").value.startswith("Base model")
    app.selectbox(key="w_compare_new").set_value(
        "Another model trained here: Logistic regression").run()
    assert metric(app, "Negative flip rate").value == "0.00%"
    app.selectbox(key="w_compare_new").set_value(
        "Another model trained here: Histogram gradient boosting").run()
    test = ds.rows("test")
    old = score_dataset(model, ds)[test] >= 0.5
    new = score_dataset(fit_builtin(ds, "hgb"), ds)[test] >= 0.5
    expected = flip_report(ds.y[test], old, new).overall["nfr"]
    assert metric(app, "Negative flip rate").value == f"{expected:.2%}"
