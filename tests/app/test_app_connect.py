"""A connected table in the app (issue 15, AppTest): off by default; once connected, the Audit,
Mitigate (group thresholds) and Tradeoffs (their fronts) screens work on the engine's counts of
every row and give the library's numbers on the same rows in pandas; the screens that need rows
say so and offer a sample drawn by the engine; the link carries no path.

The table is Adult with the scores of the app's default model (logistic regression) on every
row, written to a real Parquet file."""

import json
from dataclasses import fields
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from fairdash.data import build_dataset, load_sample, sample_roles
from fairdash.metrics import audit, audit_counts, confusion_counts, encode_groups
from fairdash.mitigation import get_method
from fairdash.models import fit_builtin, score_dataset
from fairdash.ui import format as fmt
from fairdash.ui import link
from fairdash.ui.workspace import MitigationChoice, Workspace

APP = str(Path(__file__).resolve().parents[2] / "app.py")
pytestmark = pytest.mark.slow  # each test counts a 48,842-row table in DuckDB


@pytest.fixture(scope="module")
def scored_log(tmp_path_factory):
    """Adult's outcome, sex, race and the default model's score on every row, as Parquet."""
    frame = load_sample("adult")
    ds = build_dataset(frame, sample_roles("adult"))
    table = frame[["income_gt_50k", "sex", "race", "age"]].copy()
    table["score"] = score_dataset(fit_builtin(ds, "logreg"), ds)
    path = tmp_path_factory.mktemp("connect") / "adult_scored.parquet"
    table.to_parquet(path)
    return path, table


def _connect(at, path):
    at.run()
    at.switch_page("app_pages/data.py").run()
    at.radio(key="w_source_kind").set_value("Connect to a table").run()
    at.text_input(key="w_connect_where").set_value(str(path)).run()
    at.selectbox(key="w_target_connect").set_value("income_gt_50k").run()
    at.multiselect(key="w_sensitive_connect").set_value(["sex"]).run()
    at.selectbox(key="w_score_connect").set_value("score").run()
    at.button(key="w_connect_go").click().run()
    _ok(at)
    assert at.session_state["source"].kind == "connect"
    return at


def _ok(at):
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def _page(at, page):
    at.switch_page(f"app_pages/{page}.py").run()
    _ok(at)
    return at


def _table(at, column):
    """The static table that has ``column``."""
    return next(t.value for t in at.table if column in t.value.columns)


def _reference(table, threshold=0.5):
    return audit(table["income_gt_50k"].to_numpy(), y_score=table["score"].to_numpy(),
                 sensitive_features=table[["sex"]], threshold=threshold)


def test_the_source_is_off_by_default(app, monkeypatch):
    monkeypatch.delenv("FAIRDASH_CONNECT", raising=False)
    app.run()
    app.switch_page("app_pages/data.py").run()
    assert "Connect to a table" not in app.radio(key="w_source_kind").options


def test_audit_of_a_connected_table_is_the_audit_of_its_rows(app, monkeypatch, scored_log):
    monkeypatch.setenv("FAIRDASH_CONNECT", "1")
    path, table = scored_log
    at = _page(_connect(app, path), "audit")
    assert "48,842 rows" in at.caption[0].value and "duckdb" in at.caption[0].value
    for threshold in (0.5, 0.3):
        if threshold != 0.5:  # the component's release, as the browser sends it
            at.session_state["w_threshold"] = {"threshold": threshold, "id": "r-1"}
            at.run()
            _ok(at)
            assert at.session_state["threshold"] == threshold
        want = _reference(table, threshold)
        gaps = _table(at, "fairlearn name").set_index("fairlearn name")
        for name, row in want.gaps.iterrows():
            assert gaps.loc[name, "value"] == fmt.num(row["value"]), name
            assert gaps.loc[name, "95 % CI"] == \
                f"{fmt.num(row['ci_low'])} to {fmt.num(row['ci_high'])}", name
            assert gaps.loc[name, "p-value"] == fmt.num(row["p_value"]), name
        shown = at.dataframe[-1].value
        assert list(shown["rows (n)"]) == [fmt.count(n) for n in want.groups["n"]]
        payload = json.loads(at.get("component_instance")[0].proto.json_args)["payload"]
        assert payload["threshold"] == threshold and payload["live"]["n"] == \
            want.groups["n"].tolist()


def _after_on_rows(table, name, strength):
    """The audit of the group thresholds fitted on the rows themselves at ``strength``."""
    y, scores = table["income_gt_50k"].to_numpy(), table["score"].to_numpy()
    codes, labels = encode_groups(table[["sex"]])
    groups = labels.to_numpy()[codes]
    est = get_method(name).make(strength, threshold=0.5).fit(scores, y,
                                                             sensitive_features=groups)
    p = est.decision_proba(scores, sensitive_features=groups)
    return audit_counts(confusion_counts(y, p, codes, len(labels)), labels)


def _assert_after(at, want):
    after = _table(at, "p-value after")
    for gap, row in after.iterrows():
        w = want.gaps.loc[want.gaps.index[want.gaps["label"] == gap][0]]
        assert row["after"] == fmt.ci(w["value"], w["ci_low"], w["ci_high"]), gap
        assert row["p-value after"] == fmt.num(w["p_value"]), gap


def _strength_payload(at) -> dict:
    """The strength component's payload (the only component on the Mitigate screen)."""
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)["payload"]


def test_mitigate_fits_group_thresholds_from_counts_as_on_the_rows(app, monkeypatch,
                                                                   scored_log):
    monkeypatch.setenv("FAIRDASH_CONNECT", "1")
    path, table = scored_log
    at = _page(_connect(app, path), "mitigate")
    name = at.selectbox(key="w_mitigate_connect_method").value
    assert name == "thresholds_dp"  # the registry's first group-threshold method
    assert not at.slider  # the strength is the component's
    _assert_after(at, _after_on_rows(table, name, 1.0))
    assert "CASE" in at.code[0].value and "decision_proba" in at.code[0].value
    sql = at.code[0].value
    # the component's release, as the browser sends it: the server's table and rule follow
    at.session_state[f"w_mitigate_connect_live_{name}"] = {"strength": 0.37, "id": "c-1"}
    at.run()
    _ok(at)
    assert at.session_state["w_mitigate_connect_strength"] == 0.37
    assert _strength_payload(at)["strength"] == 0.37
    assert any(s.value.startswith("Fairness gaps at strength 0.37") for s in at.subheader)
    _assert_after(at, _after_on_rows(table, name, 0.37))
    assert at.code[0].value != sql and "CASE" in at.code[0].value
    assert at.session_state["mitigation"] is None  # a preview only
    at.button(key="w_mitigate_apply").click().run()
    _ok(at)
    assert at.session_state["mitigation"] == MitigationChoice("thresholds_dp", 0.37)


def test_the_strength_component_gets_every_rows_counts_at_each_strength(app, monkeypatch,
                                                                        scored_log):
    from fairdash.engines import (
        count_scores,
        fit_on_counts,
        open_table,
        rule_counts,
        threshold_points,
    )
    from fairdash.mitigation import explain_knob, native_values
    from fairdash.report._live import counts_from_payload
    from fairdash.ui.screens.mitigate_live import STRENGTHS

    monkeypatch.setenv("FAIRDASH_CONNECT", "1")
    path, table = scored_log
    at = _page(_connect(app, path), "mitigate")
    sent = _strength_payload(at)
    live, method = sent["live"], get_method("thresholds_dp")
    c = count_scores(open_table(str(path)), target="income_gt_50k", sensitive=["sex"],
                     score="score", threshold=0.5)
    order = [[str(g) for g in c.labels].index(g) for g in live["labels"]]
    assert sent["strengths"] == STRENGTHS.tolist() and sent["rows"] == len(table)
    assert "every row" in sent["rows_phrase"]  # not "held-out test rows": no split here
    assert live["n"] == c.row_counts()[order].tolist()
    points = threshold_points(c, method.name, STRENGTHS, threshold=0.5)[1:]
    for i, point in enumerate(points):
        np.testing.assert_allclose(counts_from_payload(live, i), point.counts[order],
                                   rtol=1e-9, atol=1e-6, err_msg=f"strength {STRENGTHS[i]}")
        assert sent["changed"][i] == pytest.approx(point.changed.sum(), rel=1e-9, abs=1e-9)
    for strength in (0.25, 0.6, 0.83):
        i = int(np.flatnonzero(STRENGTHS == strength)[0])
        est = fit_on_counts(method.make(strength, threshold=0.5), c)
        np.testing.assert_allclose(counts_from_payload(live, i), rule_counts(est, c)[order],
                                   rtol=1e-9, atol=1e-6, err_msg=f"strength {strength}")
        assert sent["knob"][i] == explain_knob(method, native_values(est), strength).replace(
            "the calibration rows", "the counts of every row")
    # strength 0 is the scores as they are at the threshold, counted on the rows
    tp = (table["score"] >= 0.5) & (table["income_gt_50k"] == 1)
    assert [g[0] for g in live["tp"]] == \
        [int(tp[table["sex"].astype(str) == g].sum()) for g in live["labels"]]


def test_tradeoffs_draws_the_group_threshold_fronts(app, monkeypatch, scored_log):
    monkeypatch.setenv("FAIRDASH_CONNECT", "1")
    path, _ = scored_log
    at = _page(_connect(app, path), "tradeoffs")
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = " ".join(str(t.get("name", "")) for t in spec["data"])
    for method in ("thresholds_dp", "thresholds_eop", "thresholds_eo"):
        assert get_method(method).label in names
    assert any("need rows" in i.value for i in at.info)


@pytest.mark.parametrize("page", ["model", "compare", "subgroups"])
def test_screens_that_need_rows_say_so_and_offer_a_sample(app, monkeypatch, scored_log, page):
    monkeypatch.setenv("FAIRDASH_CONNECT", "1")
    path, _ = scored_log
    at = _page(_connect(app, path), page)
    assert any("need" in i.value and "rows in memory" in i.value for i in at.info)
    if page != "model":
        return
    at.number_input(key="w_connect_sample_n").set_value(2_000).run()
    at.button(key="w_connect_sample_go").click().run()
    _ok(at)
    assert at.session_state["source"].kind == "upload"
    assert len(at.session_state["upload_frame"][0]) == 2_000
    assert at.session_state["model"].kind == "scores"


def test_the_link_and_saved_session_carry_no_connection(app, monkeypatch, scored_log):
    monkeypatch.setenv("FAIRDASH_CONNECT", "1")
    path, _ = scored_log
    at = _page(_connect(app, path), "audit")
    assert dict(at.query_params) == {"data": "connect"}
    assert at.session_state["connection"].where == str(path)
    saved = link.to_session_json(_workspace(at), None)
    assert str(path) not in saved and "adult_scored" not in saved
    fresh = AppTest.from_file(APP, default_timeout=120)
    fresh.query_params["data"] = "connect"
    fresh.run()
    assert not fresh.exception
    assert any(link.CONNECT_NOTE.split(":")[0] in w.value for w in fresh.warning)
    assert fresh.session_state["source"].kind == "sample"


def _workspace(at):
    return Workspace(**{f.name: at.session_state[f.name] for f in fields(Workspace)
                        if f.name in at.session_state})


def test_a_column_the_engine_refuses_keeps_the_active_data(app, monkeypatch, tmp_path):
    monkeypatch.setenv("FAIRDASH_CONNECT", "1")
    pd.DataFrame({"y": [0, 1] * 50, "g": ["a", "b"] * 50,
                  "s": np.linspace(0, 5, 100)}).to_parquet(tmp_path / "bad.parquet")
    app.run()
    app.switch_page("app_pages/data.py").run()
    app.radio(key="w_source_kind").set_value("Connect to a table").run()
    app.text_input(key="w_connect_where").set_value(str(tmp_path / "bad.parquet")).run()
    app.selectbox(key="w_target_connect").set_value("y").run()
    app.multiselect(key="w_sensitive_connect").set_value(["g"]).run()
    app.selectbox(key="w_score_connect").set_value("s").run()
    app.button(key="w_connect_go").click().run()
    assert not app.exception
    assert "outside \\[0, 1\\]" in app.error[0].value
    assert app.session_state["source"].kind == "sample"
    app.checkbox(key="w_connect_rescale").check().run()
    app.button(key="w_connect_go").click().run()
    _ok(app)
    assert app.session_state["connection"].rescale


def test_count_again_counts_a_changed_table_afresh(app, monkeypatch, tmp_path, scored_log):
    monkeypatch.setenv("FAIRDASH_CONNECT", "1")
    path = tmp_path / "log.parquet"
    table = scored_log[1]
    table.iloc[:10_000].to_parquet(path)
    at = _connect(app, path)
    assert "(10,000 rows)" in at.success[0].value
    table.iloc[:20_000].to_parquet(path)  # the log grew
    first = at.session_state["connection"]
    at.button(key="w_connect_recount").click().run()
    _ok(at)
    assert "(20,000 rows)" in at.success[0].value
    assert at.session_state["connection"].counted_at > first.counted_at


def test_the_positive_outcome_can_be_chosen(app, monkeypatch, scored_log):
    monkeypatch.setenv("FAIRDASH_CONNECT", "1")
    path, _ = scored_log
    at = _connect(app, path)
    assert at.session_state["connection"].positive_label == "1"  # the automatic choice
    assert at.selectbox(key="w_connect_positive").value == ""  # as chosen: automatic
    at.selectbox(key="w_connect_positive").set_value("0").run()
    at.button(key="w_connect_go").click().run()
    _ok(at)
    assert at.session_state["connection"].positive_label == "0"
    assert "`income_gt_50k` = `0`" in at.success[0].value


def test_a_connection_url_and_table_name(app, monkeypatch, tmp_path, scored_log):
    import duckdb

    monkeypatch.setenv("FAIRDASH_CONNECT", "1")
    _, table = scored_log
    db = tmp_path / "warehouse.db"
    with duckdb.connect(str(db)) as con:
        con.register("frame", table)
        con.execute("CREATE TABLE decisions AS SELECT * FROM frame")
    app.run()
    app.switch_page("app_pages/data.py").run()
    app.radio(key="w_source_kind").set_value("Connect to a table").run()
    app.text_input(key="w_connect_where").set_value(f"duckdb:///{db}").run()
    app.text_input(key="w_connect_table").set_value("decisions").run()
    app.multiselect(key="w_sensitive_connect").set_value(["sex"]).run()
    app.selectbox(key="w_score_connect").set_value("score").run()
    app.button(key="w_connect_go").click().run()
    _ok(app)
    assert "table decisions (48,842 rows)" in app.success[0].value
    at = _page(app, "audit")
    want = _reference(table)
    gaps = _table(at, "fairlearn name").set_index("fairlearn name")
    assert list(gaps["value"]) == [fmt.num(v) for v in want.gaps["value"]]


def test_binned_scores_are_counted_again_at_each_released_threshold(app, monkeypatch,
                                                                    scored_log):
    from fairdash.engines import count_scores

    monkeypatch.setenv("FAIRDASH_CONNECT", "1")
    # few distinct scores allowed: the engine counts bins of 1e-4, exact at the threshold
    monkeypatch.setitem(count_scores.__kwdefaults__, "max_exact", 1_000)
    path, table = scored_log
    at = _page(_connect(app, path), "audit")
    assert "bins of 0.0001" in at.caption[0].value
    at.session_state["w_threshold"] = {"threshold": 0.37, "id": "r-1"}
    at.run()
    _ok(at)
    want = _reference(table, 0.37)
    gaps = _table(at, "fairlearn name").set_index("fairlearn name")
    assert list(gaps["value"]) == [fmt.num(v) for v in want.gaps["value"]]
    assert list(gaps["p-value"]) == [fmt.num(v) for v in want.gaps["p_value"]]
