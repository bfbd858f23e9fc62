"""Method cards: papers cited (no internal file), knobs explained in words, task wording."""

import re

import numpy as np
import pandas as pd
import pytest

from fairdash.data import ColumnRoles, build_dataset
from fairdash.mitigation import REGISTRY, explain_knob, methods_for, mitigate

NAMES = list(REGISTRY)


@pytest.mark.parametrize("name", NAMES)
def test_paper_is_a_citation_not_a_file(name):
    paper = REGISTRY[name].paper
    assert "ALGORITHMS" not in paper and ".md" not in paper
    assert re.search(r"\b(19|20)\d\d\b", paper), paper          # a year
    assert re.search(r"\([A-Z][^)]*\)", paper), paper             # a venue in brackets


def test_regression_wording_never_talks_of_thresholds_or_scores():
    regression = methods_for("regression", n_sensitive=2)
    assert {m.name for m in regression} == {"di_remover", "ot_repair", "ot_repair_random",
                                            "barycenter", "barycenter_sequential"}
    for m in regression:
        text = m.describe("regression")
        assert "threshold" not in text and "score" not in text, m.name
        assert "predict" in text or "regressor" in text, m.name
        assert m.to_dict()["what_regression"] == text
    bary = REGISTRY["barycenter"]
    assert "threshold" in bary.describe("classification")
    assert bary.describe() == bary.what
    # classification-only methods describe themselves the same way for any task
    assert REGISTRY["reweighing"].describe("regression") == REGISTRY["reweighing"].what


# the words for the knob, from the native values a fit reports ------------------------------

def test_group_thresholds_sentence():
    s = explain_knob("thresholds_dp", {"e0": 0.195, "tolerance": 0.078}, 0.6)
    assert s == ("Strength 0.60: the groups' selection rates may differ by at most 0.078 on the "
                 "calibration rows (the base model's gap of 0.195 shrunk by 60 %).")
    assert "true and false positive rates" in explain_knob(
        "thresholds_eo", {"e0": 0.2, "tolerance": 0.1}, 0.5)
    assert "true positive rates" in explain_knob("thresholds_eop", {"e0": 0.2, "tolerance": 0},
                                                 1.0)
    assert "shrunk to zero" in explain_knob("thresholds_eop", {"e0": 0.2, "tolerance": 0}, 1.0)
    assert "kept as it is" in explain_knob("thresholds_dp", {"e0": 0.2, "tolerance": 0.2}, 0.0)
    assert "no gap" in explain_knob("thresholds_dp", {"e0": 0.0, "tolerance": 0.0}, 0.5)


def test_barycenter_sentence():
    s = explain_knob("barycenter", {"t": 0.4}, 0.6)
    assert s == ("Strength 0.60: each score moves 60 % of the way to its group's place in the "
                 "common distribution.")
    assert "each prediction moves 60 %" in explain_knob("barycenter", {"t": 0.4}, 0.6,
                                                        "regression")
    assert "stays as it is" in explain_knob("barycenter", {"t": 1.0}, 0.0)
    seq = explain_knob("barycenter_sequential", {"t": [0.25, 0.25]}, 0.75)
    assert "for each sensitive attribute in turn" in seq and "75 %" in seq


@pytest.mark.parametrize("name, native, strength, words", [
    ("reweighing", {"lambda": 0.3}, 0.3, ["30 % of the way", "independent"]),
    ("reweighing", {"lambda": 0.0}, 0.0, ["weight 1"]),
    ("pc_reweighing", {"lam": 0.1}, 0.5, ["50 % of the way", "distillation weight of 0.1"]),
    ("pc_reweighing", {"lam": 0.1}, 1.0, ["100 % of the way", "distillation weight of 0.1"]),
    ("di_remover", {"repair_level": 0.8}, 0.8, ["80 % of the way", "median distribution"]),
    ("ot_repair", {"lambda": 0.25}, 0.25, ["25 % of the way", "barycenter"]),
    ("ot_repair_random", {"lambda": 0.25}, 0.25, ["random 25 %", "other 75 %"]),
    ("ferm_projection", {"t": 1.0}, 1.0, ["100 % of the direction"]),
    ("ferm_linear", {"e0": 0.5, "epsilon": 0.2}, 0.6, ["at most 0.200", "0.500 shrunk by 60 %"]),
    ("ferm_kernel", {"e0": 0.5, "epsilon": 0.5}, 0.0, ["at most 0.500", "shrunk by 0 %"]),
    ("reductions_dp", {"e0": 0.2, "difference_bound": 0.0316}, 0.5,
     ["selection rate may deviate", "at most 0.032", "0.200 at strength 0", "0.005"]),
    ("reductions_eo", {}, 0.5, ["overall ones", "unconstrained model's deviation"]),
    ("reductions_eo", {"e0": 0.2, "difference_bound": 0.005}, 1.0,
     ["true and false positive rates"]),
    ("penalty_sinkhorn", {"lambda": 0.7}, 0.6, ["Sinkhorn divergence penalty counts 1.5 times"]),
    ("penalty_mmd", {"lambda": 0.0}, 0.0, ["no MMD penalty"]),
    ("penalty_w2", {"lambda": 50.0}, 1.0, ["100 times"]),
])
def test_every_knob_in_words(name, native, strength, words):
    s = explain_knob(name, native, strength)
    assert s.startswith(f"Strength {strength:.2f}: ") and s.endswith(".")
    for w in words:
        assert w in s, (w, s)
    assert "=" not in s, s                               # no raw "knob = value" left


def test_every_method_has_words_and_bad_input_is_refused():
    covered = set()
    for m in REGISTRY.values():
        s = explain_knob(m, {}, 0.6, m.tasks[-1])    # without native values: the mapping
        assert s.startswith("Strength 0.60: ") and "nan" not in s.lower(), (m.name, s)
        covered.add(m.name)
    assert covered == set(REGISTRY)
    with pytest.raises(ValueError, match="Strength"):
        explain_knob("barycenter", {"t": 0.5}, 1.5)
    with pytest.raises(ValueError, match="thresholds_dp"):
        explain_knob("magic", {}, 0.5)


@pytest.fixture(scope="module")
def toy():
    rng = np.random.default_rng(0)
    n = 800
    g = rng.choice(["a", "b"], n)
    h = rng.choice(["x", "y"], n)
    x1 = rng.normal(size=n) + (g == "a")
    x2 = rng.normal(size=n)
    y = (x1 + 0.5 * x2 + rng.normal(size=n) > 0.5).astype(int)
    frame = pd.DataFrame({"g": g, "h": h, "x1": x1, "x2": x2, "y": y,
                          "target": 3 * x1 + x2 + rng.normal(size=n)})
    cls = build_dataset(frame.drop(columns="target"),
                        ColumnRoles("y", "1", ("g", "h"), ("x1", "x2")))
    reg = build_dataset(frame.drop(columns="y"),
                        ColumnRoles("target", None, ("g", "h"), ("x1", "x2")))
    return cls, reg


@pytest.mark.parametrize("name", NAMES)
def test_sentence_from_a_real_fit(toy, name):
    """Every method fitted at strength 0.6: its native values turn into a sentence with their
    numbers in it."""
    m = REGISTRY[name]
    for ds in toy:
        if ds.task not in m.tasks:
            continue
        base = 0.3 * ds.X["x1"].to_numpy() + (0.5 if ds.task == "classification" else 0.0)
        base = np.clip(base, 0, 1) if ds.task == "classification" else base
        result = mitigate(ds, m, 0.6, base_scores=base,
                          base_name="logreg" if ds.task == "classification" else "linear")
        s = explain_knob(m, result.native, 0.6, ds.task)
        assert s.startswith("Strength 0.60: ") and s.endswith("."), s
        assert "nan" not in s.lower(), s
        for key in ("tolerance", "epsilon", "difference_bound"):
            if key in result.native:
                assert f"{result.native[key]:.3f}" in s, (key, s)
