"""Safe model files: skops round trips, and refusals of pickle, untrusted types and non-models."""

import io
import json
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from fairdash.exceptions import ModelError, UnsafeModelError
from fairdash.models import load_model_bytes, make_model, positive_scores, save_model_bytes

ROOT = Path(__file__).resolve().parents[2]
ADULT = ROOT / "sample_data" / "adult.csv.gz"
FEATURES = ["age", "workclass", "education", "education_num", "marital_status", "occupation",
            "relationship", "race", "sex", "capital_gain", "capital_loss", "hours_per_week",
            "native_country"]
TARGET = "income_gt_50k"


def _double(X):
    """A custom function: skops must not trust it."""
    return X * 2


class _HomeMadeClassifier(LogisticRegression):
    """A custom class: skops must not trust it."""


@pytest.fixture(scope="module")
def adult():
    df = pd.read_csv(ADULT).sample(4000, random_state=1).reset_index(drop=True)
    return df[FEATURES], df[TARGET].to_numpy()


@pytest.fixture(scope="module")
def small():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    y = (X["a"] > 0).astype(int).to_numpy()
    return X, y


@pytest.fixture
def no_unpickling(monkeypatch):
    """Make any attempt to unpickle fail the test loudly."""
    def refuse(*args, **kwargs):
        raise AssertionError("something tried to unpickle")
    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "load", refuse)


def test_builtin_logreg_round_trips_with_identical_scores(adult):
    X, y = adult
    model = make_model("logreg", X).fit(X, y)
    data = save_model_bytes(model)
    assert isinstance(data, bytes) and data.startswith(b"PK")
    loaded = load_model_bytes(data, "model.skops")
    assert isinstance(loaded, Pipeline) and loaded is not model
    np.testing.assert_array_equal(positive_scores(loaded, X), positive_scores(model, X))


def test_saved_bytes_are_a_standard_skops_file(small):
    model = LogisticRegression().fit(*small)
    data = save_model_bytes(model)
    assert sio.get_untrusted_types(data=data) == []
    np.testing.assert_array_equal(sio.loads(data).coef_, model.coef_)


def test_bytearray_and_memoryview_are_accepted(small):
    data = save_model_bytes(LogisticRegression().fit(*small))
    assert hasattr(load_model_bytes(bytearray(data), "m.skops"), "predict_proba")
    assert hasattr(load_model_bytes(memoryview(data), "m.skops"), "predict_proba")


@pytest.mark.parametrize("name, tree_type", [
    ("rf", "sklearn.tree._tree.Tree"),
    ("hgb", "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"),
])
def test_tree_models_save_but_are_refused_on_upload(name, tree_type, adult):
    X, y = adult
    model = make_model(name, X.iloc[:1000])
    # A small model is enough to check the refusal.
    model.set_params(**{"model__max_iter" if name == "hgb" else "model__n_estimators": 5})
    model.fit(X.iloc[:1000], y[:1000])
    data = save_model_bytes(model)
    with pytest.raises(UnsafeModelError) as info:
        load_model_bytes(data, f"{name}.skops")
    message = str(info.value)
    assert tree_type in message and "crash" in message
    # The bytes themselves are a valid skops file for whoever trusts the tree types.
    restored = sio.loads(data, trusted=sio.get_untrusted_types(data=data))
    np.testing.assert_allclose(positive_scores(restored, X.iloc[:100]),
                               positive_scores(model, X.iloc[:100]), rtol=1e-12)


def test_pickle_bytes_are_refused_without_unpickling(small, no_unpickling):
    data = pickle.dumps(LogisticRegression().fit(*small))
    assert data[:1] == b"\x80"
    with pytest.raises(UnsafeModelError) as info:
        load_model_bytes(data, "model.skops")  # a misleading name does not help
    message = str(info.value)
    assert "arbitrary code" in message and "skops.io.dump(model" in message


@pytest.mark.parametrize("filename", ["model.pkl", "model.pickle", "model.joblib", "model.sav",
                                      "MODEL.JOBLIB", "model.pkl.gz", "model.joblib.xz"])
def test_pickle_file_names_are_refused_whatever_the_content(filename, small, no_unpickling):
    data = save_model_bytes(LogisticRegression().fit(*small))
    with pytest.raises(UnsafeModelError, match="pickle/joblib"):
        load_model_bytes(data, filename)


def test_old_protocol_pickle_is_not_a_skops_file(small, no_unpickling):
    data = pickle.dumps(LogisticRegression().fit(*small), protocol=0)
    with pytest.raises(ModelError, match="not a skops file"):
        load_model_bytes(data, "model.bin")


def test_product_code_never_unpickles():
    source = "\n".join(p.read_text() for p in (ROOT / "fairdash" / "models").glob("*.py"))
    for call in ("pickle.load", "joblib.load", "trusted=True", "Unpickler"):
        assert call not in source


def test_custom_function_is_refused_and_named(small):
    X, y = small
    model = Pipeline([("double", FunctionTransformer(func=_double)),
                      ("clf", LogisticRegression())]).fit(X, y)
    data = sio.dumps(model)
    with pytest.raises(UnsafeModelError) as info:
        load_model_bytes(data, "custom.skops")
    message = str(info.value)
    assert "_double" in message and "not trust" in message


def test_custom_class_is_refused_and_named(small):
    data = sio.dumps(_HomeMadeClassifier().fit(*small))
    with pytest.raises(UnsafeModelError, match="_HomeMadeClassifier"):
        load_model_bytes(data, "custom.skops")


def test_dtype_smuggled_through_another_loader_is_refused(small):
    data = save_model_bytes(make_model("logreg", small[0]).fit(*small))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    schema = files["schema.json"].decode()
    assert '"__loader__": "DTypeNode"' in schema
    files["schema.json"] = schema.replace('"__loader__": "DTypeNode"',
                                          '"__loader__": "ObjectNode"').encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    with pytest.raises(UnsafeModelError, match="numpy.dtype"):
        load_model_bytes(buffer.getvalue(), "crafted.skops")


@pytest.mark.parametrize("data", [
    b"just some text, not a model\n" * 10,
    b"\x1f\x8b\x08\x00" + bytes(range(256)),  # gzip-like noise
    np.random.default_rng(0).integers(0, 0x7F, size=1000, dtype=np.uint8).tobytes(),
])
def test_random_bytes_are_not_a_skops_file(data):
    with pytest.raises(ModelError, match="not a skops file") as info:
        load_model_bytes(data, "model.skops")
    assert not isinstance(info.value, UnsafeModelError)


def test_empty_file_is_refused():
    with pytest.raises(ModelError, match="'model.skops' is empty"):
        load_model_bytes(b"", "model.skops")


def test_zip_that_is_not_skops_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(ModelError, match="not a skops file") as info:
        load_model_bytes(buffer.getvalue(), "archive.zip")
    assert not isinstance(info.value, UnsafeModelError)


def test_damaged_skops_file_is_a_model_error(small):
    data = save_model_bytes(LogisticRegression().fit(*small))
    with pytest.raises(ModelError):
        load_model_bytes(data[: len(data) // 2], "model.skops")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        schema = json.loads(archive.read("schema.json"))
    assert "protocol" in schema  # what a skops file carries and a plain zip does not


def test_object_without_scores_is_refused(small):
    data = sio.dumps(StandardScaler().fit(small[0]))
    assert sio.get_untrusted_types(data=data) == []
    with pytest.raises(ModelError, match=r"StandardScaler.*not a classifier"):
        load_model_bytes(data, "scaler.skops")


def test_unfitted_classifier_is_refused():
    data = sio.dumps(LogisticRegression())
    with pytest.raises(ModelError, match="not been fitted"):
        load_model_bytes(data, "unfitted.skops")


def test_save_failure_is_a_model_error():
    with pytest.raises(ModelError, match="could not be saved"):
        save_model_bytes(i for i in range(3))
