"""The fairness criteria a mitigation can target, in the words the app and the CLI show."""

from __future__ import annotations

__all__ = ["CRITERIA", "criterion_label"]

#: criterion (audit gap name) -> what the user is asked to equalise (classification wording;
#: :func:`criterion_label` gives the wording for a task)
CRITERIA = {
    "demographic_parity_difference": "Demographic parity: equal selection rates",
    "equal_opportunity_difference": "Equal opportunity: equal true positive rates",
    "equalized_odds_difference": "Equalized odds: equal true and false positive rates",
}

_REGRESSION_CRITERIA = {
    "demographic_parity_difference": ("Demographic parity: the same distribution of "
                                      "predictions in every group"),
}


def criterion_label(criterion: str, task: str = "classification") -> str:
    """What a mitigation criterion asks to equalise, in words fitting the task.

    Parameters
    ----------
    criterion : str
        A key of :data:`CRITERIA` (an audit gap name).
    task : {"classification", "regression"}, default "classification"
        Regression has no selection rate: demographic parity there asks for the same
        distribution of predictions in every group (Chzhen et al. 2020).

    Returns
    -------
    str
    """
    if criterion not in CRITERIA:
        raise ValueError(f"'{criterion}' is not a mitigation criterion; choose one of "
                         f"{', '.join(CRITERIA)}.")
    if task == "regression":
        return _REGRESSION_CRITERIA.get(criterion, CRITERIA[criterion])
    return CRITERIA[criterion]
