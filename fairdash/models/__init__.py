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
"""

from fairdash.models._builtin import (BUILTIN_MODELS, BUILTIN_REGRESSORS, builtin_models,
                                     default_learner,
                                     make_model, positive_scores, predictions)
from fairdash.models._fit import fit_builtin, score_dataset
from fairdash.models._loading import (EXTRA_TRUSTED_TYPES, MAX_MODEL_UNPACKED_BYTES,
                                     PICKLE_SUFFIXES, load_model_bytes, save_model_bytes)

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
