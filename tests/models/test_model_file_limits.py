"""Model files that are too large once unpacked, and models fitted without column names.

Every file is real skops bytes: saved by skops, then (for the hostile ones) rewritten the way
an attacker would, entry by entry, with numpy's own ``.npy`` header writer.
"""

import io
import json
import time
import zipfile

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from scipy import sparse
from sklearn.linear_model import LogisticRegression, Ridge

from fairdash.data import ColumnRoles, build_dataset, read_table
from fairdash.data._limits import mb
from fairdash.exceptions import ModelError
from fairdash.models import (MAX_MODEL_UNPACKED_BYTES, load_model_bytes, positive_scores,
                             predictions, save_model_bytes, score_dataset)

GIB = 1024 ** 3

# scoring a DataFrame with a model fitted on an array: scikit-learn's own warning, expected here
pytestmark = pytest.mark.filterwarnings("ignore:X has feature names:UserWarning")


@pytest.fixture(scope="module")
def xy():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    return X, (X[:, 0] + rng.normal(size=200) > 0).astype(int)


@pytest.fixture(scope="module")
def skops_bytes(xy):
    return save_model_bytes(LogisticRegression().fit(*xy))


def npy_header(shape, descr: str = "<f8", version=(1, 0)) -> bytes:
    out = io.BytesIO()
    header = {"descr": descr, "fortran_order": False, "shape": shape}
    writer = (np.lib.format.write_array_header_1_0 if version == (1, 0)
              else np.lib.format.write_array_header_2_0)
    writer(out, header)
    return out.getvalue()


def coef_entry(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        schema = json.loads(archive.read("schema.json"))
    return schema["content"]["content"]["coef_"]["file"]


def rewrite(data: bytes, replace: dict) -> bytes:
    """The skops archive with some entries' bytes replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info)))
    return out.getvalue()


def test_the_limit_is_512_mb():
    assert MAX_MODEL_UNPACKED_BYTES == 512 * 1024 * 1024


def test_an_ordinary_model_still_loads(skops_bytes, xy):
    model = load_model_bytes(skops_bytes, "model.skops")
    assert positive_scores(model, xy[0]).shape == (200,)


def test_array_declaring_a_gibibyte_is_refused_before_anything_is_allocated(skops_bytes):
    # a tiny entry whose header declares a 1 GiB float64 array: numpy would allocate it first
    data = rewrite(skops_bytes, {coef_entry(skops_bytes): npy_header((1, GIB // 8))})
    assert len(data) < 10_000
    start = time.perf_counter()
    with pytest.raises(ModelError) as info:
        load_model_bytes(data, "liar.skops")
    assert time.perf_counter() - start < 1.0
    assert str(info.value) == (
        "The model file 'liar.skops' declares arrays of 1,024 MB once loaded, over the 512 MB "
        "FairDash loads, so it was not loaded; a fitted model is rarely over a few MB, so check "
        "that this is the model you meant, or audit it through a score column.")


def test_deflated_gibibyte_of_zeros_is_refused_by_its_unpacked_size(skops_bytes, tmp_path):
    # the attack as found: about 1 MB on disk, 1 GiB of zeros once unpacked
    entry = coef_entry(skops_bytes)
    path = tmp_path / "bomb.skops"
    with zipfile.ZipFile(io.BytesIO(skops_bytes)) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != entry:
                dst.writestr(info.filename, src.read(info))
                continue
            with dst.open(entry, "w", force_zip64=True) as stream:
                stream.write(npy_header((1, GIB // 8)))
                chunk = bytes(32 * 1024 * 1024)
                for _ in range(GIB // len(chunk)):
                    stream.write(chunk)
    assert path.stat().st_size < 2_000_000
    with pytest.raises(ModelError, match=r"^The model file 'bomb\.skops' unpacks to 1,024 MB "
                                         r"once loaded, over the 512 MB FairDash loads"):
        load_model_bytes(path.read_bytes(), "bomb.skops")


def test_arrays_inside_a_sparse_matrix_entry_are_counted(xy):
    model = LogisticRegression().fit(*xy)
    model.extra_ = sparse.csr_matrix(np.eye(3))  # skops keeps it as an .npz entry
    data = sio.dumps(model)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        npz = next(n for n in archive.namelist() if n.endswith(".npz"))
        inner = io.BytesIO(archive.read(npz))
    out = io.BytesIO()
    with zipfile.ZipFile(inner) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == "data.npy":
                content = npy_header((GIB // 8,))
            dst.writestr(info.filename, content)
    with pytest.raises(ModelError, match="'sparse.skops' declares arrays of 1,024 MB"):
        load_model_bytes(rewrite(data, {npz: out.getvalue()}), "sparse.skops")


def test_version_2_headers_are_read_too(skops_bytes):
    data = rewrite(skops_bytes, {coef_entry(skops_bytes): npy_header((GIB // 8,),
                                                                       version=(2, 0))})
    with pytest.raises(ModelError, match="declares arrays of 1,024 MB"):
        load_model_bytes(data, "v2.skops")


def test_the_limit_is_inclusive(skops_bytes):
    with zipfile.ZipFile(io.BytesIO(skops_bytes)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    assert load_model_bytes(skops_bytes, "m.skops", max_unpacked_bytes=unpacked) is not None
    with pytest.raises(ModelError) as info:
        load_model_bytes(skops_bytes, "m.skops", max_unpacked_bytes=unpacked - 1)
    assert str(info.value).startswith(f"The model file 'm.skops' unpacks to {mb(unpacked)} once "
                                      f"loaded, over the {mb(unpacked - 1)} FairDash loads")


def test_declared_sizes_are_summed_over_arrays(xy):
    coef = np.zeros((1, 30_000))  # 240,000 bytes declared by coef_ alone
    model = LogisticRegression().fit(*xy)
    model.coef_ = coef
    model.n_features_in_ = coef.shape[1]
    data = save_model_bytes(model)  # zeros deflate to almost nothing
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    with pytest.raises(ModelError, match="declares arrays of"):
        # room for the entries (their .npy headers included) but not for the arrays' data
        load_model_bytes(rewrite(data, {coef_entry(data): npy_header((1, 30_000))}), "m.skops",
                         max_unpacked_bytes=unpacked - 200_000)


def test_damaged_array_header_is_a_model_error(skops_bytes):
    data = rewrite(skops_bytes, {coef_entry(skops_bytes): b"\x93NUMPY\x09\x00garbage"})
    with pytest.raises(ModelError, match=r"^The file 'bad\.skops' is not a skops file that "
                                         r"FairDash can read \(ValueError"):
        load_model_bytes(data, "bad.skops")


# --- models fitted without column names -------------------------------------------------------


def dataset(tmp_path, features, n: int = 200):
    rng = np.random.default_rng(1)
    x1 = rng.normal(size=n)
    df = pd.DataFrame({"x1": x1, "x2": rng.normal(size=n), "c": rng.choice(["u", "v"], n),
                       "g": rng.choice(["a", "b"], n),
                       "y": (x1 + rng.normal(size=n) > 0).astype(int)})
    path = tmp_path / "data.csv"
    df.to_csv(path, index=False)
    table = read_table(path.read_bytes(), "data.csv")
    return build_dataset(table, ColumnRoles("y", "1", ("g",), tuple(features)))


@pytest.fixture(scope="module")
def unnamed(xy):
    """A classifier fitted on a plain array of 2 columns, through a real skops file."""
    model = load_model_bytes(save_model_bytes(LogisticRegression().fit(*xy)), "plain.skops")
    assert getattr(model, "feature_names_in_", None) is None and model.n_features_in_ == 2
    return model


def test_unnamed_model_among_text_columns_explains_the_ambiguity(tmp_path, unnamed):
    ds = dataset(tmp_path, ("x1", "c", "x2"))
    with pytest.raises(ModelError) as info:
        score_dataset(unnamed, ds)
    message = str(info.value)
    assert message == (
        "The model was fitted without column names (on a plain array) and expects 2 features, as "
        "many as the data's numeric feature columns ('x1', 'x2'), but FairDash cannot tell "
        "whether those are its features in its order, and the text columns ('c') cannot be "
        "given to it as numbers; fit the model on a pandas DataFrame holding the feature "
        "columns and save it again, so FairDash can give it its columns by name.")
    assert "could not convert string to float" not in message


def test_unnamed_model_with_a_different_count_says_how_many_it_expects(tmp_path, unnamed):
    with pytest.raises(ModelError, match=r"^The model was fitted without column names \(on a "
                                         r"plain array\) and expects 2 features, but the data has "
                                         r"1 feature column; fit the model on a pandas DataFrame"):
        score_dataset(unnamed, dataset(tmp_path, ("x1",)))


def test_unnamed_model_given_text_in_its_place(tmp_path, unnamed):
    with pytest.raises(ModelError, match=r"expects 2 features, and the data's 2 feature columns "
                                         r"include text \('c'\) that it could not take as"):
        score_dataset(unnamed, dataset(tmp_path, ("x1", "c")))


def test_unnamed_model_on_as_many_numeric_columns_still_scores(tmp_path, unnamed):
    ds = dataset(tmp_path, ("x1", "x2"))
    assert np.isfinite(score_dataset(unnamed, ds)).all()


def test_unnamed_regressor_gets_the_same_sentence(xy):
    model = Ridge().fit(xy[0], xy[0][:, 0])
    X = pd.DataFrame({"a": xy[0][:, 0], "t": ["u"] * 200, "b": xy[0][:, 1]})
    with pytest.raises(ModelError, match=r"expects 2 features, as many as the data's numeric "
                                         r"feature columns \('a', 'b'\)"):
        predictions(model, X)


def test_named_model_keeps_choosing_columns_by_name(tmp_path, xy):
    ds = dataset(tmp_path, ("x1", "c", "x2"))
    named = LogisticRegression().fit(pd.DataFrame(xy[0], columns=["x2", "x1"]), xy[1])
    assert np.isfinite(score_dataset(named, ds)).all()
