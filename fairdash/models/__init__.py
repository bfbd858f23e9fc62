"""Models: built-in pipelines, scoring, and safe model files (skops only, never pickle).

Public names
------------
BUILTIN_MODELS, BUILTIN_REGRESSORS, builtin_models
    Name -> human label of the built-in classifiers, regressors, or those of a task.
default_learner
    The built-in learner used when none is chosen ("logreg" or "linear").
make_model
    A fresh unfitted built-in pipeline for a feature frame.
fit_builtin, score_dataset
    Fit a built-in model on a Dataset's training rows; score every row of a Dataset.
positive_scores
    Positive-class (label 1) scores of any fitted 0/1 classifier, with clear errors.
predictions
    Predictions of any fitted regressor, with clear errors.
load_model_bytes, save_model_bytes
    Read an uploaded skops file of trusted types only; write a model as skops bytes.
PICKLE_SUFFIXES, EXTRA_TRUSTED_TYPES
    File name suffixes refused as pickle-based; the one type trusted beyond skops' defaults.
MAX_MODEL_UNPACKED_BYTES
    Largest unpacked size of a model file and of the arrays it declares, checked before loading.

The names and labels are imported with the package; the rest on first use (scikit-learn is not
needed to name the models).
"""

from fairdash._lazy import lazy_names
from fairdash.models._names import (
    BUILTIN_MODELS,
    BUILTIN_REGRESSORS,
    builtin_models,
    default_learner,
)

#: names imported on first use: the pipelines and model files pull in scikit-learn (0.7 s),
#: which the model names (menus, sidebar, a link's checks) do not need (issue 16)
_LAZY = {**dict.fromkeys(("make_model", "positive_scores", "predictions"), "_builtin"),
         **dict.fromkeys(("fit_builtin", "score_dataset"), "_fit"),
         **dict.fromkeys(("EXTRA_TRUSTED_TYPES", "MAX_MODEL_UNPACKED_BYTES", "PICKLE_SUFFIXES",
                          "load_model_bytes", "save_model_bytes"), "_loading")}

__getattr__, __dir__ = lazy_names(__name__, _LAZY)

__all__ = [
    "BUILTIN_MODELS",
    "BUILTIN_REGRESSORS",
    "EXTRA_TRUSTED_TYPES",
    "MAX_MODEL_UNPACKED_BYTES",
    "PICKLE_SUFFIXES",
    "builtin_models",
    "default_learner",
    "fit_builtin",
    "load_model_bytes",
    "make_model",
    "positive_scores",
    "predictions",
    "save_model_bytes",
    "score_dataset",
]
