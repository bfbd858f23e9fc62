"""Issue 14: the Learn screens in AppTest: every lesson at its knobs' extremes, the numbers
shown equal fairdash.learn's, the tasks, workshop mode, the glossary link, remembered knobs and
the "do this on real data" transitions."""

from __future__ import annotations

import itertools

import pytest

from fairdash import learn
from fairdash.learn._impossible import BASE_RATES
from fairdash.ui.shell import LEARN_PAGES, PAGES

LESSON = {key: f"app_pages/learn_{key}.py" for key in learn.LESSONS}


def _errors(at):
    return [e.value for e in at.error]


def _ok(at):
    assert not at.exception, at.exception
    assert not _errors(at), _errors(at)


def _table(at, first_column):
    for t in at.table:
        if first_column in t.value.columns:
            return t.value
    raise AssertionError(f"no table with {first_column!r}: "
                         f"{[list(t.value.columns) for t in at.table]}")


def test_every_learn_page_runs_and_every_page_links_the_glossary(app):
    app.run()
    for path, title, _, _ in PAGES:
        app.switch_page(path).run()
        _ok(app)
        links = [link.proto.page for link in app.sidebar.get("page_link")]
        assert "learn_glossary" in links, (path, links)
    for path, title, _, _ in LEARN_PAGES:
        app.switch_page(path).run()
        _ok(app)
        assert app.title[0].value


EXTREMES = {
    "rates": [{"w_learn_rates_threshold": t} for t in (0.0, 1.0)],
    "impossible": [dict(zip(("w_learn_impossible_base_a", "w_learn_impossible_base_b",
                             "w_learn_impossible_threshold"), v))
                   for v in itertools.product((0.1, 0.9), (0.1, 0.9), (0.05, 0.95))],
    "loan": [{"w_learn_loan_a": a, "w_learn_loan_b": b}
             for a, b in itertools.product((0, 101), repeat=2)],
    "bias": [{"w_learn_bias_kind": k, "w_learn_bias_amount": a,
              "w_learn_bias_mitigation": m}
             for k, a, m in itertools.product(learn.BIASES, (0.0, 1.0),
                                              ("none", "thresholds_eo"))],
    "pays": [{"w_learn_pays_method": m, "w_learn_pays_strength": s}
             for m, s in itertools.product(learn.METHODS, (0.0, 1.0))],
    "bounty": [{"w_learn_bounty_group": g, "w_learn_bounty_region": r}
               for g, r in (("any", "any"), ("A", "west"), ("B", "south"), ("any", "north"))],
}


@pytest.mark.parametrize("key", list(learn.LESSONS))
def test_every_lesson_at_every_knobs_extremes(app, key):
    app.run()
    app.switch_page(LESSON[key]).run()
    _ok(app)
    for setting in EXTREMES[key]:
        for widget, value in setting.items():
            kind = "selectbox" if widget.endswith(("kind", "mitigation", "method", "group",
                                                   "region")) else "slider"
            element = getattr(app, kind)(key=widget)
            (element.select(value) if kind == "selectbox" else element.set_value(value))
        app.run()
        _ok(app)
        assert app.get("plotly_chart"), (key, setting)
        assert any("What to notice" in m.value for m in app.markdown)
        assert app.success or app.info  # the task's verdict is always shown


def test_lesson1_shows_the_librarys_counts_and_the_task_completes(app):
    app.run()
    app.switch_page(LESSON["rates"]).run()
    app.slider(key="w_learn_rates_threshold").set_value(0.3).run()
    expected = learn.rates_at(learn.lesson1_people(), 0.3)
    shown = _table(app, "true positives")
    for g in ("A", "B"):
        assert shown.loc[g, "true positives"] == expected.counts.loc[g, "tp"]
        assert shown.loc[g, "false positives"] == expected.counts.loc[g, "fp"]
    rates = _table(app, "True positive rate")
    assert rates.loc["B", "True positive rate"] == f"{expected.rates.loc['B', 'tpr']:.1%}"
    assert not app.success
    best, where = learn.best_accuracy(learn.lesson1_people())
    app.slider(key="w_learn_rates_threshold").set_value(where[0]).run()
    assert app.success and f"{best:.1%}" in app.success[0].value


def test_lesson2_prints_the_identity_and_completes_only_with_equal_base_rates(app):
    app.run()
    app.switch_page(LESSON["impossible"]).run()
    result = learn.impossibility(0.3, 0.5, 0.5)
    code = app.code[0].value
    assert learn.identity_line(result, "A") in code and learn.identity_line(result, "B") in code
    assert not app.success
    app.slider(key="w_learn_impossible_base_a").set_value(0.5).run()
    assert app.success
    gaps = _table(app, "FPR gap")
    assert gaps.iloc[0]["FPR gap"] == "0.0"
    assert BASE_RATES[0] == 0.1


def test_lesson3_jump_buttons_move_the_sliders_to_the_lp(app):
    people = learn.loan_applicants()
    solutions = {name: learn.solve(people, name) for name in learn.SOLUTIONS}
    app.run()
    app.switch_page(LESSON["loan"]).run()
    for name, solution in solutions.items():
        app.button(key=f"w_learn_loan_jump_{name}").click().run()
        _ok(app)
        assert (app.slider(key="w_learn_loan_a").value,
                app.slider(key="w_learn_loan_b").value) == solution.thresholds
        assert f"{solution.outcome.profit:,.0f}" in app.info[0].value
        prices = _table(app, "profit")
        assert prices.loc[solution.label, "profit"] == f"${solution.outcome.profit:,.0f}"
    app.button(key="w_learn_loan_jump_equal_opportunity").click().run()
    assert app.success  # the task: equal opportunity by hand at 95% of the LP's profit
    mine = learn.at_thresholds(people, *solutions["equal_opportunity"].thresholds)
    assert _table(app, "profit").loc["Your thresholds", "profit"] == f"${mine.profit:,.0f}"
    app.slider(key="w_learn_loan_a").set_value(0).run()
    app.slider(key="w_learn_loan_b").set_value(0).run()
    everyone = learn.at_thresholds(people, 0, 0)
    assert everyone.profit < 0  # lending to everyone loses money: shown with a leading minus
    assert _table(app, "profit").loc["Your thresholds", "profit"] == \
        f"−${-everyone.profit:,.0f}"


def test_lesson4_table_is_the_librarys_and_the_task_completes(app):
    app.run()
    app.switch_page(LESSON["bias"]).run()
    app.slider(key="w_learn_bias_amount").set_value(0.6).run()
    table = learn.gap_table(learn.lab("label_bias", 0.6))
    shown = _table(app, "equal opportunity gap, truth")
    for m in learn.MITIGATIONS:
        assert shown.loc[learn.mitigation_label(m), "equal opportunity gap, truth"] == \
            f"{100 * table.loc[m, 'equal_opportunity truth']:.1f}"
    assert not app.success
    app.selectbox(key="w_learn_bias_mitigation").select("reweighing").run()
    assert app.success


def test_lesson5_changes_table_and_the_task(app):
    app.run()
    app.switch_page(LESSON["pays"]).run()
    result = learn.who_pays_lesson("thresholds_eo", 1.0)
    shown = _table(app, "newly selected, truly negative (now wrong)")
    assert shown.loc["A", "newly selected, truly negative (now wrong)"] == \
        f"{result.changed.loc['A', 'newly_selected_wrong']:,.0f}"
    assert not app.success
    app.selectbox(key="w_learn_pays_method").select("reweighing").run()
    assert app.success and "group A's true positive rate falls" in app.success[0].value


def test_workshop_mode_and_knobs_are_remembered_across_lessons(app):
    app.run()
    app.switch_page(LESSON["rates"]).run()
    assert app.get("download_button") and app.button(key="w_learn_real_data")
    app.slider(key="w_learn_rates_threshold").set_value(0.42).run()
    app.toggle(key="w_learn_workshop").set_value(True).run()
    for key in ("impossible", "rates"):
        app.switch_page(LESSON[key]).run()
        _ok(app)
        assert app.toggle(key="w_learn_workshop").value is True
        # the lesson's controls only: no handout, no link to the analysis screens
        assert not [b for b in app.get("download_button") if b.key.startswith("w_learn_")]
        assert not [b for b in app.button if b.key == "w_learn_real_data"]
    assert app.slider(key="w_learn_rates_threshold").value == 0.42
    app.toggle(key="w_learn_workshop").set_value(False).run()
    assert app.button(key="w_learn_real_data")


def test_do_this_on_real_data_sets_the_state_and_opens_the_screen(app):
    app.run()
    app.switch_page(LESSON["rates"]).run()
    app.slider(key="w_learn_rates_threshold").set_value(0.37).run()
    app.button(key="w_learn_real_data").click().run()
    _ok(app)
    assert app.title[0].value == "Fairness audit"
    assert app.session_state["threshold"] == 0.37
    app.switch_page(LESSON["loan"]).run()
    app.button(key="w_learn_loan_jump_demographic_parity").click().run()
    app.button(key="w_learn_real_data").click().run()
    _ok(app)
    assert app.session_state["mitigation"].name == "thresholds_dp"
    app.switch_page(LESSON["bias"]).run()
    app.slider(key="w_learn_bias_amount").set_value(0.5).run()
    app.button(key="w_learn_real_data").click().run()
    _ok(app)
    assert app.session_state["source"].kind == "synthetic"
    assert "label bias 0.45" in app.session_state["source"].name
    app.switch_page(LESSON["impossible"]).run()
    app.button(key="w_learn_real_data").click().run()
    _ok(app)
    assert app.session_state["source"].name == "compas"
    app.switch_page(LESSON["pays"]).run()
    app.slider(key="w_learn_pays_strength").set_value(0.5).run()
    app.button(key="w_learn_real_data").click().run()
    _ok(app)
    chosen = app.session_state["mitigation"]
    assert (chosen.name, chosen.strength) == ("thresholds_eo", 0.5)
    assert app.title[0].value != learn.LESSONS["pays"].title


def test_lesson6_a_bounty_round_with_a_leaderboard(app):
    app.run()
    app.switch_page(LESSON["bounty"]).run()
    assert app.button(key="w_learn_bounty_submit").disabled  # "any, any" names nobody
    app.selectbox(key="w_learn_bounty_group").select("B").run()
    app.button(key="w_learn_bounty_submit").click().run()
    _ok(app)
    assert not app.success
    app.selectbox(key="w_learn_bounty_region").select("south").run()
    app.button(key="w_learn_bounty_submit").click().run()
    _ok(app)
    expected = learn.play(("group == 'B'", learn.HIDDEN)).board
    board = _table(app, "group submitted")
    assert list(board["group submitted"]) == list(expected["rule"])
    assert list(board["error after"]) == [f"{v:.1%}" for v in expected["error after"]]
    assert not app.success  # B's model took part of the gain: the task needs a new round
    app.button(key="w_learn_bounty_new").click().run()
    app.button(key="w_learn_bounty_submit").click().run()
    assert app.success and "No audit of the named groups" in app.success[0].value
    assert len(_table(app, "group submitted")) == 1
