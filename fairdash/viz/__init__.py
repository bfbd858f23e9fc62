"""plotly figure builders: pure functions from data to ``go.Figure``.

Every builder stays readable from 2 to at least 24 groups: bars lie horizontally and grow with
the number of groups, distributions switch to one panel per group, and the ROC chart folds
all but the largest groups into one grey "other groups" entry.

Every user string (group label, column name, file, model or method name, slice description)
reaches a figure escaped by :func:`plot_text`, so plotly shows it as typed and never renders
it as a link, markup or a hover template.
"""

from fairdash.viz._audit import group_sizes_figure, rate_bars_figure, roc_figure
from fairdash.viz._distributions import score_histogram_figure
from fairdash.viz._layout import group_colours, plot_text
from fairdash.viz._mitigation import before_after_rates_figure, flip_bars_figure
from fairdash.viz._regression import (prediction_distribution_figure, regression_error_figure,
                                      regression_group_sizes_figure)
from fairdash.viz._slices import slice_rates_figure
from fairdash.viz._tradeoff import tradeoff_figure

__all__ = ["before_after_rates_figure", "flip_bars_figure", "group_colours", "group_sizes_figure",
           "plot_text", "prediction_distribution_figure", "rate_bars_figure",
           "regression_error_figure",
           "regression_group_sizes_figure", "roc_figure", "score_histogram_figure",
           "slice_rates_figure",
           "tradeoff_figure"]
