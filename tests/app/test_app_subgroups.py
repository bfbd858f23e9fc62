"""The Subgroups screen: search, audit a slice, submit it to the bounty, use the patched model;
numbers equal the library's."""

import pytest

from fairdash.subgroups import EVALUATION_SPLIT, DecisionList, find_slices, submit
from fairdash.subgroups import train_group_model

PAGE = "app_pages/subgroups.py"
RULE = 'marital_status == "Married-civ-spouse" and capital_gain < 114'


@pytest.fixture(scope="module")
def library(adult_model):
    ds, model, scores = adult_model
    return ds, model, scores, find_slices(ds, scores)


@pytest.fixture(scope="module")
def adult_model():
    from fairdash.data import build_dataset, load_sample, sample_roles
    from fairdash.models import fit_builtin, score_dataset

    ds = build_dataset(load_sample("adult"), sample_roles("adult"))
    model = fit_builtin(ds, "logreg")
    return ds, model, score_dataset(model, ds)


def test_search_shows_the_librarys_confirmed_slices(app, open_page, library):
    at = open_page(app, PAGE)
    result = library[3]
    confirmed = result.slices[result.slices["confirmed"]]
    assert any(f"kept the {result.tested:,} strongest" in c.value
               and f"{len(confirmed):,} hold" in c.value for c in at.caption)
    assert any("hypothesis about where to look, not a cause" in i.value for i in at.info)
    picker = at.selectbox(key="w_subgroups_pick")
    assert picker.options == list(confirmed["words"].head(10))
    table = at.dataframe[0].value
    first = table.iloc[0]
    assert first["slice"] == confirmed.iloc[0]["words"]
    assert first["rows (n)"] == f"{confirmed.iloc[0]['n']:,}"
    assert len(at.get("plotly_chart")) == 1


def test_audit_a_slice_against_the_rest_then_go_back(app, open_page, gap_value, library):
    from fairdash.metrics import audit
    from fairdash.subgroups import parse_rule

    ds, _, scores, _ = library
    at = open_page(app, PAGE)
    at.selectbox(key="w_subgroups_pick").set_value(RULE).run()
    at.button(key="w_subgroups_audit").click().run()
    at.switch_page("app_pages/audit.py").run()  # AppTest does not follow switch_page
    assert not at.exception and not [e.value for e in at.error]
    assert any("chosen on the Subgroups screen" in i.value for i in at.info)
    test = ds.rows("test")
    inside = parse_rule(RULE).mask(ds.frame)[test]
    expected = audit(ds.y[test], y_score=scores[test],
                     sensitive_features=["in the slice" if i else "rest" for i in inside])
    assert gap_value(at, "demographic_parity_difference") == pytest.approx(
        expected.gaps.loc["demographic_parity_difference", "value"], abs=5e-4)
    at.button(key="w_audit_slice_back").click().run()
    assert at.session_state["slice"] is None
    assert not any("chosen on the Subgroups screen" in i.value for i in at.info)


def test_submit_accept_and_use_the_patched_model(app, open_page, library, metric):
    ds, model, _, _ = library
    rows = ds.rows(EVALUATION_SPLIT)
    expected = submit(DecisionList(model).fit(), RULE, train_group_model(ds, RULE, "hgb"),
                      ds.frame[rows], ds.y[rows])
    assert expected.accepted  # Adult: boosting on married people beats the logistic model
    at = open_page(app, PAGE)
    at.selectbox(key="w_subgroups_pick").set_value(RULE).run()
    at.selectbox(key="w_subgroups_learner").set_value("hgb").run()
    at.text_input(key="w_subgroups_name").input("Ada").run()
    at.button(key="w_subgroups_submit").click().run()
    assert not at.exception and not [e.value for e in at.error]
    board = at.dataframe[-1].value
    assert list(board["who"]) == ["Ada"] and list(board["accepted"]) == ["yes"]
    after = f"{expected.overall_error_after:.2%}"
    assert board.iloc[0]["overall error before → after"].endswith(after)
    assert any(RULE in m.value.replace("\\", "").replace("&lt;", "<") for m in at.markdown)
    assert at.get("download_button")  # the list as a skops file
    at.button(key="w_subgroups_use").click().run()
    assert at.session_state["model"].kind == "bounty"
    assert at.session_state["bounty"] is not None  # the bounty stays with its list
    at.switch_page("app_pages/audit.py").run()
    assert not at.exception and not [e.value for e in at.error]
    assert "Bias-bounty decision list" in " ".join(m.value for m in at.sidebar.markdown)


def test_a_hand_made_group_with_a_bad_value_is_refused_in_one_sentence(app, open_page):
    at = open_page(app, PAGE)
    # inside a form, values reach the app with the submit button, in one run
    at.selectbox(key="w_subgroups_col0").set_value("age")
    at.selectbox(key="w_subgroups_op0").set_value(">=")
    at.text_input(key="w_subgroups_val0").input("old")
    at.button(key="FormSubmitter:w_subgroups_form-Submit this group").click().run()
    assert not at.exception
    assert any("'age' holds numbers" in e.value for e in at.error)
    assert at.session_state["bounty"] is None


def test_a_hand_made_group_is_judged_and_joins_the_leaderboard(app, open_page):
    at = open_page(app, PAGE)
    at.selectbox(key="w_subgroups_col0").set_value("relationship")
    at.selectbox(key="w_subgroups_op0").set_value("==")
    at.text_input(key="w_subgroups_val0").input("Husband")
    at.button(key="FormSubmitter:w_subgroups_form-Submit this group").click().run()
    assert not at.exception and not [e.value for e in at.error]
    board = at.dataframe[-1].value
    assert list(board["group"]) == ['relationship == "Husband"']
