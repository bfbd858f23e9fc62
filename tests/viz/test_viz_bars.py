"""Bar figures from 2 to 24 groups: every group once, its n in the tick, no overlap, growth."""

import itertools

import numpy as np
import pytest
from viz_checks import check_group_axis, check_titles, legend_entries, shown
from viz_inputs import regression_inputs

from fairdash import viz
from fairdash.compare import flip_report

COUNTS = (2, 10, 12, 24)


def _flips(data):
    old = (data.scores >= 0.5).astype(int)
    new = np.where(np.random.default_rng(0).random(len(old)) < 0.1, 1 - old, old)
    return flip_report(data.y, old, new, sensitive_features=data.sensitive).groups


def _after(groups):
    return groups.assign(selection_rate=groups["selection_rate"] * 0.9)


BUILDERS = {
    "rates": lambda d: viz.rate_bars_figure(d.groups, "selection_rate", "Selection rate",
                                            d.overall["selection_rate"]),
    "sizes": lambda d: viz.group_sizes_figure(d.groups),
    "before_after": lambda d: viz.before_after_rates_figure(
        d.groups, _after(d.groups), {"selection_rate": "Selection rate", "tpr": "TPR"}),
    "flips": lambda d: viz.flip_bars_figure(_flips(d)),
}
BARS_PER_GROUP = {"before_after": 2, "flips": 2}


@pytest.mark.parametrize("name", BUILDERS)
def test_every_group_has_a_readable_tick_and_the_figure_grows(by_groups, name):
    heights = {}
    for k in COUNTS:
        data = by_groups[k]
        fig = BUILDERS[name](data)
        assert len(data.labels) == k
        check_group_axis(fig, data.labels, data.groups["n"],
                         bars_per_group=BARS_PER_GROUP.get(name, 1))
        check_titles(fig, "xaxis")
        assert len(legend_entries(fig)) <= 2
        for trace in fig.data:
            assert trace.orientation == "h"
            assert [shown(y) for y in trace.y] == data.labels
        heights[k] = fig.layout.height
    assert heights[2] <= heights[10] <= heights[12] < heights[24]
    assert heights[24] >= heights[2] + 22 * 20


def test_rate_ticks_carry_the_rate_so_no_number_sits_under_a_whisker(adult_race_sex):
    g = adult_race_sex.groups
    fig = viz.rate_bars_figure(g, "selection_rate", "Selection rate", 0.2, "Selection")
    for tick, rate in zip(fig.layout.yaxis.ticktext, g["selection_rate"]):
        assert f"{rate * 100:.1f} %" in tick
    assert fig.data[0].text is None
    assert fig.layout.xaxis.title.text == "Selection (% of the group's rows)"
    fpr = viz.rate_bars_figure(g, "fpr", "False positive rate", short="FPR")
    assert fpr.layout.xaxis.title.text == "FPR (% of truly negative rows)"
    assert fig.layout.annotations[0].text == "all rows 20.0%"


def test_small_groups_are_grey_and_marked(by_groups):
    data = by_groups[24]
    small = data.groups["small"].to_numpy()
    assert small.any() and not small.all(), "the 24-group case has groups under 30 rows"
    fig = viz.rate_bars_figure(data.groups, "tpr", "True positive rate")
    colours = np.asarray(fig.data[0].marker.color)
    assert set(colours[small]) == {"#bbbbbb"}
    assert "#bbbbbb" not in set(colours[~small])
    assert all("(small)" in t for t, s in zip(fig.layout.yaxis.ticktext, small) if s)


def test_before_after_panels_share_one_group_axis(by_groups):
    data = by_groups[12]
    fig = viz.before_after_rates_figure(data.groups, _after(data.groups),
                                        {"selection_rate": "Selection rate", "tpr": "TPR",
                                         "fpr": "FPR"})
    assert fig.layout.yaxis.showticklabels is not False
    for suffix in ("2", "3"):
        assert fig.layout[f"yaxis{suffix}"].showticklabels is False
        assert fig.layout[f"yaxis{suffix}"].matches == "y"
        assert fig.layout[f"xaxis{suffix}"].title.text.endswith("(%)")
    domains = [fig.layout[f"xaxis{s}"].domain for s in ("", "2", "3")]
    assert all(a[1] < b[0] for a, b in itertools.pairwise(domains)), "panels overlap"
    assert legend_entries(fig) == ["before", "after"]


@pytest.mark.parametrize("k", (2, 12, 24))
def test_regression_bars(k):
    result, _ = regression_inputs(k)
    labels = [str(g) for g in result.groups.index]
    sizes = viz.regression_group_sizes_figure(result.groups, "hours")
    errors = viz.regression_error_figure(result.groups, "mae", "hours", result.overall["mae"])
    for fig in (sizes, errors):
        check_group_axis(fig, labels, result.groups["n"])
        check_titles(fig, "xaxis")
        assert legend_entries(fig) == []
    assert "hours" in errors.layout.xaxis.title.text
    for tick, v in zip(errors.layout.yaxis.ticktext, result.groups["mae"]):
        assert f"{v:.3g}" in tick


def test_regression_heights_grow():
    heights = [viz.regression_error_figure(regression_inputs(k)[0].groups, "rmse", "h")
               .layout.height for k in (2, 12, 24)]
    assert heights[0] < heights[1] < heights[2]


def test_group_colours_are_distinct_up_to_24_groups():
    for k in (2, 10, 12, 24):
        colours = viz.group_colours([f"g{i}" for i in range(k)])
        assert len(set(colours.values())) == k
        assert "#bbbbbb" not in colours.values(), "grey is kept for small groups"


def test_beyond_ten_groups_bars_share_one_colour_and_up_to_ten_match_the_roc(by_groups):
    many = by_groups[24]
    fig = viz.rate_bars_figure(many.groups, "tpr", "True positive rate")
    assert len(set(fig.data[0].marker.color)) == 2, "one colour, grey for small groups"
    few = by_groups[10]
    bars = viz.rate_bars_figure(few.groups, "tpr", "True positive rate")
    roc = viz.roc_figure(few.roc, few.groups, 0.5)
    by_group = dict(zip(few.labels, bars.data[0].marker.color))
    for t in roc.data:
        if t.mode == "lines" and t.legendgroup not in (None, "other"):
            g = shown(t.customdata[0][0])
            if not few.groups.loc[g, "small"]:
                assert t.line.color == by_group[g], "the same colour on every figure"
