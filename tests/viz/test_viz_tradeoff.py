"""The tradeoff chart after a sweep of all 18 registered methods: colours by stage with distinct
hues per method, stage legend groups, whiskers on demand, a method filter."""

import itertools

import numpy as np
import pytest
from viz_checks import legend_entries
from viz_inputs import sweep_table

from fairdash import viz
from fairdash.tradeoff import SWEEP_COLUMNS, pareto_front
from fairdash.viz._tradeoff import method_styles, pareto_mask


@pytest.fixture(scope="module")
def table():
    return sweep_table()


def _method_traces(fig):
    return [t for t in fig.data if t.legendgroup in ("pre", "in", "post", "other")]


def _lab(colour: str) -> np.ndarray:
    rgb = np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ lin / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_the_table_has_the_sweep_columns_and_18_methods(table):
    assert list(table.columns) == list(SWEEP_COLUMNS)
    assert table["method"].nunique() == 19
    assert set(table["stage"]) == {"none", "pre", "in", "post"}


def test_18_methods_give_18_traces_with_distinct_colours(table):
    fig = viz.tradeoff_figure(table, "Demographic parity difference", "Accuracy")
    traces = _method_traces(fig)
    assert len(traces) == 18
    colours = [t.line.color for t in traces]
    assert len(set(colours)) == 18
    closest = min(np.linalg.norm(_lab(a) - _lab(b)) for a, b in
                  itertools.combinations(colours, 2))
    assert closest >= 12, f"two methods' colours only {closest:.1f} ΔE apart"
    for t in traces:  # the same colour family, and symbol, as the rest of its stage
        assert t.marker.color == t.line.color


def test_stages_have_colour_families_symbols_and_legend_titles(table):
    fig = viz.tradeoff_figure(table, "gap", "Accuracy")
    by_stage = {}
    for t in _method_traces(fig):
        by_stage.setdefault(t.legendgroup, []).append(t)
    assert {s: len(ts) for s, ts in by_stage.items()} == {"pre": 5, "in": 9, "post": 4}
    symbols = {s: {t.marker.symbol for t in ts} for s, ts in by_stage.items()}
    assert all(len(v) == 1 for v in symbols.values())
    assert len({next(iter(v)) for v in symbols.values()}) == 3, "one symbol per stage"
    titles = {s: {t.legendgrouptitle.text for t in ts} for s, ts in by_stage.items()}
    assert titles == {"pre": {"Pre-processing"}, "in": {"In-processing"},
                      "post": {"Post-processing"}}
    hue = {s: np.degrees(np.arctan2(*[np.mean([_lab(t.line.color)[i] for t in ts])
                                      for i in (2, 1)])) % 360 for s, ts in by_stage.items()}
    assert 200 <= hue["pre"] <= 320, "pre-processing is blue/purple"
    assert 100 <= hue["in"] <= 200, "in-processing is green/teal"
    assert hue["post"] <= 80 or hue["post"] >= 340, "post-processing is orange/red"
    assert fig.layout.legend.traceorder == "grouped"
    order = [t.legendgroup for t in sorted(_method_traces(fig), key=lambda t: t.legendrank)]
    assert order == sorted(order, key=["pre", "in", "post"].index), "stages in pipeline order"


def test_whiskers_only_when_asked(table):
    plain = viz.tradeoff_figure(table, "gap", "Accuracy")
    assert all(t.error_x.array is None and t.error_y.array is None for t in plain.data)
    fig = viz.tradeoff_figure(table, "gap", "Accuracy", whiskers=True, whisker_points=4)
    for t in _method_traces(fig):
        drawn = np.asarray(t.error_y.array) > 0
        assert drawn.sum() == 4 and drawn[0] and drawn[-1]
        assert np.allclose(np.asarray(t.error_x.arrayminus)[drawn], 0.01)
    every = viz.tradeoff_figure(table, "gap", "Accuracy", whiskers=True, whisker_points=None)
    assert all((np.asarray(t.error_y.array) > 0).all() for t in _method_traces(every))


def test_method_filter_keeps_the_base_star_and_recomputes_the_front(table):
    names = ["reweighing", "Group thresholds (demographic parity)"]  # a name and a label
    fig = viz.tradeoff_figure(table, "gap", "Accuracy", methods=names,
                              selected=("ferm_linear", 0.5))
    traces = _method_traces(fig)
    assert [t.customdata[0][0] for t in traces] == ["reweighing", "thresholds_dp"]
    assert [t.legendgroup for t in traces] == ["pre", "post"]
    star = fig.data[-1]
    assert star.marker.symbol == "star" and star.name.startswith("Base model"), "star on top"
    assert not any(t.name == "Chosen point" for t in fig.data), "ring of a hidden method"
    front = next(t for t in fig.data if t.name.startswith("Pareto front"))
    drawn = table[table["method"].isin(["baseline", "reweighing", "thresholds_dp"])]
    on = drawn[pareto_front(drawn["gap"], drawn["performance"])]
    assert sorted(np.round(front.x, 9)) == sorted(np.round(on["gap"], 9))
    assert set(fig.data[-1].customdata[:, 0]) == {"baseline"}
    same = viz.tradeoff_figure(table, "gap", "Accuracy", methods=["reweighing"])
    assert [t.legendgroup for t in _method_traces(same)] == ["pre"]
    colours = {t.customdata[0][0]: t.line.color for t in _method_traces(fig)}
    assert colours["reweighing"] == _method_traces(same)[0].line.color, "stable colours"


def test_existing_parameters_still_work(table):
    fig = viz.tradeoff_figure(table, "Demographic parity ratio", "Error", ratio=True,
                              lower_is_better=True, selected=("reweighing", 0.5), height=700)
    assert fig.layout.height == 700
    assert "higher is fairer, 1 = parity" in fig.layout.xaxis.title.text
    assert "lower is better" in fig.layout.yaxis.title.text
    ring = next(t for t in fig.data if t.name == "Chosen point")
    assert np.isclose(ring.x[0], table.query("method == 'reweighing' and strength == 0.5")
                      ["gap"].iloc[0])
    assert fig.data[-1].marker.symbol == "star"
    for t in fig.data:
        if t.customdata is not None:  # a plotly selection names the point
            method, strength = t.customdata[0][:2]
            assert method in set(table["method"]) and 0 <= float(strength) <= 1


def test_legend_stays_short_and_named(table):
    fig = viz.tradeoff_figure(table, "gap", "Accuracy", selected=("reweighing", 0.5))
    names = legend_entries(fig)
    assert names[0].startswith("Pareto front")
    # 18 methods + base + front + ring, grouped under three stage titles
    assert len({t.name for t in fig.data}) == 21


@pytest.mark.parametrize("ratio,lower", [(False, False), (True, False), (False, True),
                                         (True, True)])
def test_pareto_mask_agrees_with_the_tradeoff_module(ratio, lower):
    rng = np.random.default_rng(1)
    gap = np.round(rng.random(300), 2)
    perf = np.round(rng.random(300), 2)
    perf[::37] = np.nan
    expected = pareto_front(1 - gap if ratio else gap, -perf if lower else perf)
    assert (pareto_mask(gap, perf, ratio=ratio, lower_is_better=lower) == expected).all()


def test_unknown_stages_fall_back_to_one_grey_family():
    t = sweep_table().assign(stage=lambda d: d["stage"].where(d["method"] != "reweighing",
                                                              "mystery"))
    styles = method_styles(t.drop(columns="stage"))
    assert {s["stage"] for s in styles.values()} == {"other"}
    assert len({(s["colour"], s["dash"]) for s in styles.values()}) == 18
    assert method_styles(t)["reweighing"]["stage_title"] == "Other methods"
