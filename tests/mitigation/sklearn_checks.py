"""``parametrize_with_checks`` without the two checks that cannot apply to these estimators.

scikit-learn would run them and skip them: ``check_array_api_input`` needs ``SCIPY_ARRAY_API=1``
and estimators that accept array-API inputs (ours are numpy-only), and
``check_pipeline_consistency`` is skipped for estimators tagged non-deterministic (the
randomised ReductionsClassifier). Leaving them out keeps the run free of skips, and the list
below says why instead.
"""

from functools import partial

import pytest
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import _get_check_estimator_ids, estimator_checks_generator

#: check -> why it is not run here
NOT_APPLICABLE = {
    "check_array_api_input": "numpy-only estimators; sklearn runs it only under SCIPY_ARRAY_API",
    "check_pipeline_consistency": "sklearn skips it for non-deterministic estimators",
}


def _name(check) -> str:
    return (check.func if isinstance(check, partial) else check).__name__


def _applies(estimator, check) -> bool:
    name = _name(check)
    if name == "check_pipeline_consistency":
        return not get_tags(estimator).non_deterministic
    return name not in NOT_APPLICABLE


def sklearn_checks(estimators, *, expected_failed_checks=None, legacy=True):
    """A ``pytest.mark.parametrize("estimator, check", ...)`` like
    ``parametrize_with_checks``, minus the checks of :data:`NOT_APPLICABLE`."""
    params = []
    for est in estimators:
        expected = expected_failed_checks(est) if expected_failed_checks else None
        for item in estimator_checks_generator(est, legacy=legacy, mark="xfail",
                                               expected_failed_checks=expected):
            estimator, check = item.values if hasattr(item, "values") else item
            if _applies(estimator, check):
                params.append(item)
    return pytest.mark.parametrize("estimator, check", params, ids=_get_check_estimator_ids)
