"""Safe model files: load only skops files made of trusted types, never pickle."""

from __future__ import annotations

import io
import json
import math
import zipfile
from pathlib import PurePath

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from fairdash.data._limits import mb
from fairdash.exceptions import ModelError, UnsafeModelError

__all__ = ["EXTRA_TRUSTED_TYPES", "MAX_MODEL_UNPACKED_BYTES", "PICKLE_SUFFIXES", "load_model_bytes",
           "save_model_bytes"]

PICKLE_SUFFIXES: frozenset[str] = frozenset({".pkl", ".pickle", ".joblib", ".sav"})
"""File name suffixes of pickle-based formats, refused whatever the content."""

MAX_MODEL_UNPACKED_BYTES = 512 * 1024 * 1024
"""Largest unpacked size of a model file, in bytes: both the total of its zip entries and the
total the arrays inside it declare (shape x item size). Checked before anything is loaded:
deflate packs zeros a thousand-fold, so a 1 MB file can declare a 1 GiB array, and numpy
allocates an array before it reads its data. Fitted linear models and pipelines take a few MB
at most."""

# The only type trusted beyond skops' defaults. skops 0.16 leaves numpy dtypes untrusted as an
# open TODO, not a known risk, yet every fitted SimpleImputer stores one, so without it nearly
# every real pipeline (the built-in ones included) would be refused. A dtype holds no code: skops
# rebuilds it from an empty .npy array read with allow_pickle=False. _check_dtype_nodes makes sure
# the name is trusted only in that loader.
EXTRA_TRUSTED_TYPES: tuple[str, ...] = ("numpy.dtype",)
"""Types trusted when loading in addition to skops' defaults."""

# skops leaves these untrusted on purpose (their content cannot be checked), not for running
# code, so the refusal explains the real risk and what to do instead.
_TREE_TYPES = frozenset({
    "sklearn.tree._tree.Tree",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
})

_TREE_REFUSAL = ("Tree-based models (decision trees, random forests, gradient boosting) cannot be "
                 "loaded safely from a file: scikit-learn follows the node indices stored in "
                 "their trees without checking them, so a crafted file could crash the app or "
                 "read memory when the model predicts. To audit such a model, add its scores "
                 "to the data as a column and use predictions-only mode, or train a built-in "
                 "model here.")

_RESAVE = ("Re-save the model with skops where it was trained: "
           "import skops.io; skops.io.dump(model, \"model.skops\"), then upload model.skops.")

_PICKLE_REFUSAL = ("Loading a pickle or joblib file runs arbitrary code stored in the file, so "
                   "FairDash only loads models saved with skops, which can be checked before "
                   "anything in them is run. " + _RESAVE)


def _looks_like_pickle(data: bytes, filename: str) -> bool:
    # Every suffix counts, so "model.pkl.gz" or "model.joblib.xz" are caught too.
    suffixes = {s.lower() for s in PurePath(filename).suffixes}
    # Pickle protocols 2 and later start with the PROTO opcode 0x80; older protocols do not
    # start with "PK" either, so they are refused below as "not a skops file".
    return bool(suffixes & PICKLE_SUFFIXES) or data[:1] == b"\x80"


def _check_unpacked_sizes(data: bytes, filename: str, limit: int) -> None:
    """Refuse a file whose entries, or whose declared arrays, would unpack to over ``limit``.

    Only the zip directory and each array's header (at most a few hundred bytes) are read.
    skops keeps numpy arrays as ``.npy`` entries and sparse matrices as ``.npz`` entries, which
    are zip archives of ``.npy`` files themselves.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            _refuse_over(sum(e.file_size for e in entries), limit, filename, "unpacks to")
            declared = 0
            for entry in entries:
                if entry.filename.endswith(".npy"):
                    with archive.open(entry) as stream:
                        declared += _declared_bytes(stream)
                elif entry.filename.endswith(".npz"):  # its size is within the limit checked
                    with zipfile.ZipFile(io.BytesIO(archive.read(entry))) as inner:
                        for member in inner.infolist():
                            if member.filename.endswith(".npy"):
                                with inner.open(member) as stream:
                                    declared += _declared_bytes(stream)
    except ModelError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        # A damaged archive or array header: skops could not load it either.
        raise ModelError(f"The file '{filename}' is not a skops file that FairDash can read "
                         f"({type(exc).__name__}: {exc}). {_RESAVE}") from exc
    _refuse_over(declared, limit, filename, "declares arrays of")


def _declared_bytes(stream) -> int:
    """Bytes of the array an ``.npy`` stream declares in its header (shape x item size)."""
    version = np.lib.format.read_magic(stream)
    read = {(1, 0): np.lib.format.read_array_header_1_0}.get(
        version, np.lib.format.read_array_header_2_0)  # 2.0 and 3.0 differ in text encoding
    shape, _, dtype = read(stream)
    return math.prod(shape) * dtype.itemsize


def _refuse_over(size: int, limit: int, filename: str, what: str) -> None:
    if size > limit:
        raise ModelError(f"The model file '{filename}' {what} {mb(size)} once "
                         f"loaded, over the {mb(limit)} FairDash loads, so it was "
                         "not loaded; a fitted model is rarely over a few MB, so check that "
                         "this is the model you meant, or audit it through a score column.")


def _check_dtype_nodes(data: bytes, filename: str) -> None:
    """Refuse a file that names ``numpy.dtype`` anywhere but in skops' own dtype loader."""
    # skops trusts by type name whatever loader a node asks for; a generic object loader
    # rebuilding numpy.dtype from arbitrary state is not what EXTRA_TRUSTED_TYPES vouches for.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        schema = json.loads(archive.read("schema.json"))
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if (node.get("__module__"), node.get("__class__")) == ("numpy", "dtype") \
                    and node.get("__loader__") != "DTypeNode":
                raise UnsafeModelError(f"The model file '{filename}' rebuilds numpy.dtype in an "
                                       "unexpected way, so it was refused.")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def load_model_bytes(data: bytes, filename: str, *,
                     max_unpacked_bytes: int = MAX_MODEL_UNPACKED_BYTES):
    """Load a fitted classifier or regressor from the bytes of an uploaded skops file.

    Parameters
    ----------
    data : bytes
        The file's content.
    filename : str
        The file's name, used to recognise pickle files and in messages.
    max_unpacked_bytes : int, default MAX_MODEL_UNPACKED_BYTES
        Largest total of the file's unpacked entries, and of the sizes its arrays declare.

    Returns
    -------
    object
        The fitted estimator; it has ``predict_proba``, ``decision_function`` or ``predict``.

    Raises
    ------
    UnsafeModelError
        If the file is a pickle/joblib file (by name or content), or a skops file that contains
        types outside the trusted list (see Notes). Neither is ever deserialised.
    ModelError
        If the file is empty, is not a skops file, would unpack to more than
        ``max_unpacked_bytes``, fails to load, or does not hold a fitted classifier or
        regressor.

    Notes
    -----
    Only the types that ``skops.io`` trusts by default (scikit-learn estimators, numpy and scipy
    objects, Python built-ins) plus :data:`EXTRA_TRUSTED_TYPES` (``numpy.dtype``, which every
    fitted ``SimpleImputer`` holds) are accepted: the file is audited with
    :func:`skops.io.get_untrusted_types`, and :func:`skops.io.loads` is given exactly that list,
    so skops re-audits the file and refuses anything else before it builds an object. Nothing
    here calls :mod:`pickle`.

    Tree-based models (``DecisionTree*``, ``RandomForest*``, ``GradientBoosting*``,
    ``HistGradientBoosting*``) are refused: skops 0.16 does not trust their tree storage by
    default because a crafted file can make scikit-learn read out of bounds when predicting.
    """
    data = bytes(data)
    if _looks_like_pickle(data, filename):
        raise UnsafeModelError(f"The file '{filename}' is a pickle/joblib file and was not "
                               f"loaded. {_PICKLE_REFUSAL}")
    if not data:
        raise ModelError(f"The file '{filename}' is empty.")
    if not data.startswith(b"PK"):
        raise ModelError(f"The file '{filename}' is not a skops file (a skops file is a zip "
                         f"archive, and this one is not). {_RESAVE}")
    _check_unpacked_sizes(data, filename, max_unpacked_bytes)
    # imported on use: skops scans scikit-learn's modules on import (1.6 s on two busy cores),
    # which no screen but a model upload needs (docs/live-threshold.md, cold start)
    import skops.io as sio
    from skops.io.exceptions import UntrustedTypesFoundException

    try:
        untrusted = sio.get_untrusted_types(data=data)
    except Exception as exc:
        # A zip without skops' schema.json, a damaged archive or an unknown skops protocol.
        raise ModelError(f"The file '{filename}' is not a skops file that FairDash can read "
                         f"({type(exc).__name__}: {exc}). {_RESAVE}") from exc
    untrusted = [t for t in untrusted if t not in EXTRA_TRUSTED_TYPES]
    if untrusted:
        trees = _TREE_TYPES.intersection(untrusted)
        why = _TREE_REFUSAL if trees else (
            "Loading them could run code from the file, so it was refused. FairDash loads "
            "models built only from scikit-learn, numpy and scipy objects (for example a "
            "Pipeline of scikit-learn transformers and a linear classifier); replace custom "
            "functions or classes with scikit-learn ones and save it again.")
        raise UnsafeModelError(f"The model file '{filename}' contains types that FairDash does "
                               f"not trust: {', '.join(untrusted)}. {why}")
    _check_dtype_nodes(data, filename)

    try:
        # skops' default-trusted types plus EXTRA_TRUSTED_TYPES only; skops audits the file
        # again against exactly this list before it builds anything.
        model = sio.loads(data, trusted=list(EXTRA_TRUSTED_TYPES))
    except UntrustedTypesFoundException as exc:
        raise UnsafeModelError(f"The model file '{filename}' contains types that are not "
                               f"trusted ({exc}), so it was refused.") from exc
    except Exception as exc:
        raise ModelError(f"The model file '{filename}' could not be loaded "
                         f"({type(exc).__name__}: {exc}).") from exc

    kind = type(model).__name__
    if not any(hasattr(model, m) for m in ("predict_proba", "decision_function", "predict")):
        raise ModelError(f"The file '{filename}' holds a {kind}, which is not a classifier or "
                         "regressor: it has no predict_proba, decision_function or predict.")
    try:
        check_is_fitted(model)
    except NotFittedError:
        raise ModelError(f"The {kind} in '{filename}' has not been fitted; fit it before saving "
                         "it.") from None
    except TypeError:
        # Not a scikit-learn estimator at all; positive_scores will report what it lacks.
        pass
    return model


def save_model_bytes(model) -> bytes:
    """The skops bytes of ``model``, for a user to download and load again later.

    Parameters
    ----------
    model : estimator
        Usually a fitted built-in pipeline from :func:`~fairdash.models.make_model`.

    Returns
    -------
    bytes
        A deflate-compressed skops file (``skops.io.load`` and :func:`load_model_bytes` read it).

    Raises
    ------
    ModelError
        If skops cannot serialise the object.

    Notes
    -----
    Any scikit-learn model can be saved, but :func:`load_model_bytes` refuses tree-based ones
    (the ``rf`` and ``hgb`` built-ins included), so only a ``logreg`` download can be uploaded
    to FairDash again; the others load with ``skops.io.load(path, trusted=[...])`` by someone
    who trusts the file.
    """
    import skops.io as sio  # on use, as in load_model_bytes

    try:
        # Compressed: forests and boosted trees shrink several-fold, and downloads go over HTTP.
        return sio.dumps(model, compression=zipfile.ZIP_DEFLATED)
    except Exception as exc:
        raise ModelError(f"The {type(model).__name__} could not be saved with skops "
                         f"({type(exc).__name__}: {exc}).") from exc
