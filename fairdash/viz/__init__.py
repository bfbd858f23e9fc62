"""plotly figure builders: pure functions from data to ``go.Figure``."""

from fairdash.viz._audit import (group_colours, group_sizes_figure, rate_bars_figure, roc_figure,
                                 score_histogram_figure)

__all__ = ["group_colours", "group_sizes_figure", "rate_bars_figure", "roc_figure",
           "score_histogram_figure"]
