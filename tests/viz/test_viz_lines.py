"""ROC and distributions from 2 to 24 groups: folded into "other groups" or one panel each."""

import numpy as np
import pytest
from viz_checks import check_titles, legend_entries, shown
from viz_inputs import regression_inputs

from fairdash import viz

LEGEND_CAP = 10


def _curve_count(trace) -> int:
    """Curves in a trace whose curves are separated by ``None`` gaps."""
    return sum(v is None for v in trace.x)


@pytest.mark.parametrize("k", (2, 10, 12, 24))
def test_roc_draws_every_group_coloured_or_in_one_named_grey_trace(by_groups, k):
    data = by_groups[k]
    fig = viz.roc_figure(data.roc, data.groups, 0.5)
    check_titles(fig, "xaxis", "yaxis")
    assert "%" in fig.layout.xaxis.title.text and "%" in fig.layout.yaxis.title.text
    coloured = [t for t in fig.data if t.mode == "lines" and t.legendgroup not in
                (None, "other")]
    other = [t for t in fig.data if t.mode == "lines" and t.legendgroup == "other"]
    drawn = [shown(t.customdata[0][0]) for t in coloured]
    if k <= 7:
        assert other == [] and drawn == data.labels
    else:
        assert len(coloured) == 6
        n = data.groups["n"].set_axis(data.labels)
        assert set(drawn) == set(n.sort_values(ascending=False).index[:6]), "largest first"
        (rest,) = other
        assert rest.name.startswith(f"{k - 6} other groups")
        assert _curve_count(rest) == k - 6
        assert {shown(c[0]) for c in rest.customdata if c[0] is not None} == \
            set(data.labels) - set(drawn)
    dots = [t for t in fig.data if t.mode == "markers"]
    named = [shown(g) for t in dots for g in t.text]
    assert sorted(named) == sorted(data.labels), "every group has its operating point"
    assert len(legend_entries(fig)) <= LEGEND_CAP
    assert len({t.line.color for t in coloured}) == len(coloured), "distinct line colours"
    for t in coloured:
        g = shown(t.customdata[0][0])
        assert f"n = {int(data.groups['n'].set_axis(data.labels)[g]):,}" in t.name


def test_roc_highlight_and_score_label(by_groups):
    data = by_groups[24]
    chosen = data.labels[-3:]
    fig = viz.roc_figure(data.roc, data.groups, 0.4, highlight=chosen,
                         score_label="Rescaled decile score (0-1)")
    coloured = [shown(t.customdata[0][0]) for t in fig.data
                if t.mode == "lines" and t.legendgroup not in (None, "other")]
    assert coloured == chosen
    assert any(t.name == "Rescaled decile score (0-1) ≥ 0.40 (dots)" for t in fig.data)
    assert all("Rescaled decile score (0-1) ≥" in t.hovertemplate for t in fig.data
               if t.hovertemplate)
    assert "probability" not in fig.to_json()


def test_roc_max_groups_none_draws_every_group_in_colour(by_groups):
    data = by_groups[12]
    fig = viz.roc_figure(data.roc, data.groups, 0.5, max_groups=None)
    assert not any(t.legendgroup == "other" for t in fig.data)
    assert sum(t.mode == "lines" and t.legendgroup is not None for t in fig.data) == 12


def _panels(fig):
    return [name for name in fig.layout if name.startswith("xaxis")]


@pytest.mark.parametrize("k", (2, 10, 12, 24))
def test_histograms_overlay_few_groups_and_give_many_one_panel_each(by_groups, k):
    data = by_groups[k]
    fig = viz.score_histogram_figure(data.hist, 0.5, score_label="Predicted probability")
    assert fig.layout.title.text
    n = data.hist.groupby("group", sort=False)["count"].sum()
    if k <= 4:
        assert _panels(fig) == ["xaxis"]
        assert [shown(t.name) for t in fig.data] == [f"{g} (n = {int(n[g]):,})"
                                                     for g in data.labels]
        check_titles(fig, "xaxis", "yaxis")
        assert fig.layout.xaxis.title.text == "Predicted probability"
        return
    assert len(_panels(fig)) == k
    titles = [a.text for a in fig.layout.annotations]
    for g, title in zip(data.labels, titles):
        flat = shown(" ".join(title.replace("<br>", " ").replace("<b>", "").replace("</b>", "")
                              .split()))
        assert flat == f"{g} n = {int(n[g]):,}"
    columns = {tuple(fig.layout[a].domain) for a in _panels(fig)}
    assert len(columns) == 3, "at most three columns"
    boxes = [(tuple(fig.layout[f"xaxis{s}"].domain), tuple(fig.layout[f"yaxis{s}"].domain))
             for s in [""] + [str(i) for i in range(2, k + 1)]]
    for i, (xa, ya) in enumerate(boxes):
        for xb, yb in boxes[i + 1:]:
            assert xa[1] <= xb[0] or xb[1] <= xa[0] or ya[1] <= yb[0] or yb[1] <= ya[0]
    x_titles = {fig.layout[a].title.text for a in _panels(fig)} - {""}
    assert x_titles == {"Predicted probability"}
    assert any(fig.layout[f"yaxis{s}"].title.text for s in [""] + [str(i) for i in
                                                                     range(2, k + 1)])
    assert all(fig.layout[f"yaxis{i}"].matches == "y" for i in range(2, k + 1))
    assert len(legend_entries(fig)) == 3  # all rows, each group, threshold
    assert len(fig.layout.shapes) == k, "the threshold in every panel"


def test_histogram_heights_grow_and_panels_keep_their_size(by_groups):
    heights = {k: viz.score_histogram_figure(by_groups[k].hist, 0.5).layout.height
               for k in (2, 10, 12, 24)}
    assert heights[10] < heights[24]
    assert heights[24] / 8 >= 150, "8 rows of panels, each at least 150 px with its title"


def test_score_label_defaults_to_score(by_groups):
    fig = viz.score_histogram_figure(by_groups[2].hist, 0.3)
    assert fig.layout.xaxis.title.text == "Score"
    assert "probability" not in fig.to_json()


@pytest.mark.parametrize("k", (2, 12, 24))
def test_prediction_distributions(k):
    _, hist = regression_inputs(k)
    fig = viz.prediction_distribution_figure(hist, "hours")
    panels = _panels(fig)
    assert len(panels) == (1 if k <= 4 else k)
    assert {fig.layout[a].title.text for a in panels} - {""} == {"Predicted hours"}
    assert len(legend_entries(fig)) == (k if k <= 4 else 2)
    assert not any(t.name and "threshold" in t.name for t in fig.data)


def test_curves_stay_inside_their_bins(by_groups):
    data = by_groups[12]
    fig = viz.score_histogram_figure(data.hist, 0.5)
    for t in fig.data:
        if t.x is not None and t.x[0] is not None:
            assert np.all((np.asarray(t.x) > 0) & (np.asarray(t.x) < 1))
