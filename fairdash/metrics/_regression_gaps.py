"""What a regression audit reports: its per-group statistics and its gaps, with the labels and
units the tables show. Plain data, importable without the audit's machinery."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["REGRESSION_GAPS", "REGRESSION_STATS", "RegressionGap"]

#: Per-group statistics of a regression audit (name -> plain label), each reported with
#: ``_low`` / ``_high`` bootstrap bounds.
REGRESSION_STATS: dict[str, str] = {
    "mean_target": "Mean target",
    "mean_prediction": "Mean prediction",
    "mean_error": "Mean error (prediction − target)",
    "mae": "Mean absolute error (MAE)",
    "rmse": "Root mean squared error (RMSE)",
    "r2": "R²",
}


@dataclass(frozen=True)
class RegressionGap:
    """How to show one regression gap.

    Attributes
    ----------
    label : str
        Plain name for tables.
    explanation : str
        What the number measures, in one plain sentence fragment.
    units : {"target", "share", "squared target"}
        Units of the value: the target's, a share in [0, 1], or the target's squared.
    """

    label: str
    explanation: str
    units: str


#: The gaps every regression audit reports, in table order.
REGRESSION_GAPS: dict[str, RegressionGap] = {
    "mean_prediction_gap": RegressionGap(
        "Mean prediction gap",
        "the highest group's average prediction minus the lowest group's", "target"),
    "mae_difference": RegressionGap(
        "MAE difference",
        "how much larger the typical error (mean absolute error) is in the worst-served group "
        "than in the best-served one", "target"),
    "rmse_difference": RegressionGap(
        "RMSE difference",
        "the same for the root mean squared error, which weighs large errors more", "target"),
    "ks": RegressionGap(
        "Kolmogorov-Smirnov (KS)",
        "the largest difference between two groups' shares of predictions below any value "
        "(0 = the same distribution, 1 = no overlap at all)", "share"),
    "wasserstein_1": RegressionGap(
        "Wasserstein-1 distance",
        "how far, on average, one group's predictions would have to move to match another "
        "group's (the largest over pairs of groups)", "target"),
    "barycenter_unfairness": RegressionGap(
        "Barycenter unfairness",
        "the group-share-weighted squared distance of each group's prediction distribution "
        "from the groups' common average distribution (0 = every group gets the same "
        "distribution of predictions)", "squared target"),
}
