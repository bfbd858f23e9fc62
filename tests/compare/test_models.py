"""Model specs of a comparison and their decisions on a Dataset."""

import numpy as np
import pytest

from fairdash.compare import ModelSpec, compare_models, decisions_for, parse_spec
from fairdash.exceptions import FairDashError


@pytest.mark.parametrize("text, spec", [
    ("base", ModelSpec("base")),
    ("reweighing", ModelSpec("method", "reweighing", 1.0)),
    ("thresholds_eo@0.25", ModelSpec("method", "thresholds_eo", 0.25)),
    ("model:hgb", ModelSpec("model", "hgb")),
    ("column:decile_score", ModelSpec("column", "decile_score")),
])
def test_parse_and_text_round_trip(text, spec):
    assert parse_spec(text) == spec
    assert parse_spec(spec.text()) == spec


@pytest.mark.parametrize("text, words", [
    ("nothing", "not a model"), ("barycenter@x", "number"), ("barycenter@2", "[0, 1]"),
    ("model:svm", "no built-in model"),
])
def test_bad_specs_are_named(text, words):
    with pytest.raises(FairDashError, match=words):
        parse_spec(text)


def test_same_model_twice_flips_nothing(adult_small, adult_base_scores):
    r = compare_models(adult_small, parse_spec("base"), parse_spec("base"), adult_base_scores)
    assert r.overall["nfr"] == 0 and r.overall["churn"] == 0 and len(r.flips) == 0


def test_column_decisions_and_their_checks(adult_small, adult_base_scores):
    ds = adult_small
    ds.frame["given"] = (adult_base_scores >= 0.5).astype(int)
    try:
        got = decisions_for(ds, parse_spec("column:given"), adult_base_scores)
        np.testing.assert_array_equal(got, decisions_for(ds, parse_spec("base"),
                                                         adult_base_scores))
        with pytest.raises(FairDashError, match="'age' must hold"):
            decisions_for(ds, parse_spec("column:age"), adult_base_scores)
        with pytest.raises(FairDashError, match="not in the table"):
            decisions_for(ds, parse_spec("column:nope"), adult_base_scores)
    finally:
        del ds.frame["given"]


def test_flipped_rows_carry_the_table_index(adult_small, adult_base_scores):
    r = compare_models(adult_small, parse_spec("base"), parse_spec("barycenter"),
                       adult_base_scores)
    assert len(r.flips) > 0
    assert set(r.flips["row"]).issubset(set(adult_small.frame.index))
    test_index = set(adult_small.frame.index[adult_small.rows("test")])
    assert set(r.flips["row"]).issubset(test_index)
