"""The lesson figures: every axis titled with its unit, group sizes beside rates, and the
figure drawing what the library computed."""

from __future__ import annotations

import numpy as np
import pytest

from fairdash import learn
from fairdash.learn import _figures as figures


def _axis_titles(fig):
    layout = fig.to_plotly_json()["layout"]
    return {k: (v.get("title") or {}).get("text") for k, v in layout.items()
            if k.startswith(("xaxis", "yaxis"))}


def _check_axes(fig, shown_axes):
    titles = _axis_titles(fig)
    for axis in shown_axes:
        assert titles.get(axis), (axis, titles)


def test_unit_chart_draws_every_person_once_with_their_decision():
    people = learn.lesson1_people()
    result = learn.rates_at(people, 0.5)
    fig = figures.unit_chart(people, result.decisions, 0.5, large=True)
    assert sum(len(t.x) for t in fig.data) == len(people.score) == 100
    selected = sum(len(t.x) for t in fig.data if not t.marker.symbol.endswith("open"))
    assert selected == result.decisions.sum()
    # per group, the filled circles are the true positives of the confusion counts
    for t, g in ((fig.data[0], "A"), (fig.data[4], "B")):
        assert t.name == "truly positive, selected" and len(t.x) == result.counts.loc[g, "tp"]
    _check_axes(fig, ("yaxis", "yaxis2", "xaxis2"))
    assert "(count)" in _axis_titles(fig)["yaxis"]
    assert fig.layout.shapes[0].x0 == 0.5 and fig.layout.font.size == 18


def test_impossibility_figure_shows_the_rates_with_group_sizes():
    result = learn.impossibility(0.3, 0.5, 0.4)
    fig = figures.impossibility_figure(result, learn.BINS, learn.calibrated_group(0.3),
                                       learn.calibrated_group(0.5))
    rates = [t for t in fig.data if t.xaxis == "x2"]
    assert [t.y[0] for t in rates] == pytest.approx(
        [100 * result.rates.loc[g, "fpr"] for g in ("A", "B")])
    assert all("n = 1,000" in t.name for t in fig.data)
    _check_axes(fig, ("xaxis", "yaxis", "xaxis2", "yaxis2"))
    assert "(%)" in _axis_titles(fig)["yaxis2"]


def test_loan_figure_stacks_every_applicant():
    people = learn.loan_applicants()
    out = learn.at_thresholds(people, 60, 45)
    fig = figures.loan_figure(people, (60, 45), out)
    assert sum(np.sum(t.y) for t in fig.data) == len(people.score)
    assert [s.x0 for s in fig.layout.shapes] == [59.5, 44.5]
    assert "Profit $" in fig.layout.title.text or "Profit −$" in fig.layout.title.text
    _check_axes(fig, ("yaxis", "yaxis2", "xaxis2"))


def test_paired_bars_name_group_sizes():
    result = learn.who_pays_lesson("reweighing", 1.0)
    fig = figures.paired_bars(result.before, result.after, {"tpr": "TPR"}, ("before", "after"),
                              "t")
    assert list(fig.data[0].x) == [f"TPR, {g}<br>(n = {result.before.loc[g, 'n']:,.0f})"
                                   for g in result.before.index]
    assert list(fig.data[1].y) == pytest.approx(list(100 * result.after["tpr"]))
    _check_axes(fig, ("xaxis", "yaxis"))


def test_dollars():
    assert learn._common.dollars(48000) == "$48,000"
    assert learn._common.dollars(-46500.4) == "−$46,500"
