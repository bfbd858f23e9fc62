"""plotly figure builders: pure functions from data to ``go.Figure``."""

from fairdash.viz._audit import (group_colours, group_sizes_figure, rate_bars_figure, roc_figure,
                                 score_histogram_figure)
from fairdash.viz._mitigation import before_after_rates_figure, flip_bars_figure
from fairdash.viz._tradeoff import tradeoff_figure
from fairdash.viz._regression import (prediction_distribution_figure, regression_error_figure,
                                      regression_group_sizes_figure)

__all__ = ["before_after_rates_figure", "group_colours", "group_sizes_figure", "rate_bars_figure", "roc_figure",
           "score_histogram_figure",
           "prediction_distribution_figure", "regression_error_figure",
           "regression_group_sizes_figure", "tradeoff_figure", "flip_bars_figure"]
