"""scikit-learn's estimator checks over ReductionsClassifier and FairPenaltyLogistic.

The checks pass no ``sensitive_features``, so every estimator is built with
``sensitive_column=0``: the groups are the distinct values of the first column, which on the
checks' continuous data makes nearly every row its own group (a harsh but legal input).

With hundreds of one-row groups a mitigated fit is slow (fairlearn's moments cost O(groups) pandas
operations per iteration; the penalty sums one divergence per group), so:

* every check (``legacy=True``) runs on the strength-0 instances, which still fit the full
  pipeline up to the mitigation (for FairPenaltyLogistic the penalty sample and divergence are
  computed, for lambda0);
* the API checks (``legacy=False``: cloning, params, fit returns self, unfitted errors,
  n_features_in_, read-only input, ...) also run on mitigating instances, with few iterations
  (``max_iter=5``) and a small penalty sample (``n_penalty=20``) to stay fast.

The mitigated behaviour itself is tested in test_reductions.py and test_penalty.py.
"""

import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn_checks import sklearn_checks

from fairdash.mitigation.inprocessing import FairPenaltyLogistic, ReductionsClassifier

DIVERGENCES = ("sinkhorn", "mmd", "w2")

UNMITIGATED = [
    ReductionsClassifier(sensitive_column=0, strength=0.0),
    *[FairPenaltyLogistic(divergence=div, sensitive_column=0, strength=0.0, n_penalty=20,
                          random_state=0) for div in DIVERGENCES],
]
MITIGATING = [
    ReductionsClassifier(sensitive_column=0, max_iter=5, random_state=0),
    *[FairPenaltyLogistic(divergence=div, sensitive_column=0, lam=1.0, max_iter=5,
                          n_penalty=20, random_state=0) for div in DIVERGENCES],
]


def _expected_failed_checks(estimator):
    if isinstance(estimator, ReductionsClassifier) and estimator.strength == 0:
        return {"check_non_transformer_estimators_n_iter":
                "At strength 0 no reduction is run, so n_iter_ (exponentiated-gradient "
                "iterations) is 0; the base estimator is used as it is."}
    return {}


def _run(check, estimator):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


@sklearn_checks(UNMITIGATED, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_unmitigated(estimator, check):
    _run(check, estimator)


@sklearn_checks(MITIGATING, legacy=False)
def test_sklearn_api_mitigating(estimator, check):
    _run(check, estimator)
