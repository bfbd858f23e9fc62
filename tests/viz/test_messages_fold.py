"""fold_group_messages on the library's real per-group warnings for 12 intersectional groups
(COMPAS race x sex), and on the shapes it must leave alone."""

import dataclasses
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from fairdash._messages import fold_group_messages
from fairdash.data import build_dataset, load_sample, sample_roles
from fairdash.metrics import audit


@pytest.fixture(scope="module")
def compas():
    """COMPAS with race x sex (12 groups, four under 30 test rows), logistic scores."""
    from fairdash.models import fit_builtin, score_dataset

    roles = dataclasses.replace(sample_roles("compas"), sensitive=("race", "sex"))
    ds = build_dataset(load_sample("compas"), roles)
    assert len(ds.group_labels) == 12
    groups = np.asarray(ds.group_labels, dtype=object)[ds.group_codes]
    return ds, score_dataset(fit_builtin(ds, "logreg"), ds), groups


def _named(message: str) -> set[str]:
    return set(re.findall(r"'([^']+)'", message))


def test_threshold_warnings_of_12_groups_fold_into_one_per_shape(compas):
    from fairdash.mitigation.postprocessing._thresholds import GroupThresholdOptimizer

    ds, scores, groups = compas
    cal = ds.rows("calibration")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = GroupThresholdOptimizer(constraint="equalized_odds").fit(
            scores[cal], ds.y[cal], sensitive_features=groups[cal])
    messages = list(est.warnings_)
    shape = {m: re.sub(r"\d[\d,]*", "#", m.split("' ", 1)[1]) for m in messages
             if m.startswith("Group '")}
    assert len(shape) >= 5, "the real data gives a stack of per-group warnings"
    folded = fold_group_messages(messages)
    assert len(folded) == len(set(shape.values())) + len(messages) - len(shape)
    assert set().union(*map(_named, folded)) == set().union(*map(_named, shape)), \
        "every group is still named"
    common = max(set(shape.values()), key=list(shape.values()).count)
    members = [m for m in shape if shape[m] == common]
    big = max(folded, key=len)
    assert big.startswith(f"Each of {len(members)} groups has ")
    numbers = np.array([re.findall(r"\d+", m.split("' ", 1)[1]) for m in members])
    varying = [i for i in range(numbers.shape[1]) if len(set(numbers[:, i])) > 1]
    for m, row in zip(members, numbers):  # each group's own numbers, beside its name
        detail = big.split(f"'{m.split(chr(39))[1]}' (")[1].split(")")[0]
        assert re.findall(r"\d+", detail) == [row[i] for i in varying], detail


def test_audit_small_groups_message_gets_every_groups_size(compas):
    ds, scores, groups = compas
    test = ds.rows("test")
    result = audit(ds.y[test], y_score=scores[test], sensitive_features=groups[test],
                   n_resamples=20)
    assert sum("fewer than" in w for w in result.warnings) == 1
    sizes = result.groups["n"].to_dict()
    (out,) = [m for m in fold_group_messages(result.warnings, sizes=sizes)
              if "fewer than" in m]
    excluded = result.excluded_groups
    assert out.startswith(f"{len(excluded)} groups have fewer than 30 rows")
    for g in excluded:
        assert f"'{g}' (n = {sizes[g]:,})" in out
    assert fold_group_messages(result.warnings) == list(result.warnings), "without sizes"


def test_dataset_single_row_warnings_fold():
    df = load_sample("adult")
    key = df["race"] + " & " + df["sex"]
    rare = ["Other & Female", "Amer-Indian-Eskimo & Female", "Asian-Pac-Islander & Female"]
    frame = pd.concat([df[~key.isin(rare)].sample(3000, random_state=0),
                       df[key.isin(rare)].groupby(key[key.isin(rare)]).head(1)])
    ds = build_dataset(frame, dataclasses.replace(sample_roles("adult"),
                                                  sensitive=("race", "sex")))
    assert len(ds.warnings) == 3
    (out,) = fold_group_messages(ds.warnings, sizes={g: 1 for g in rare})
    assert out.startswith("Each of 3 groups has a single row: its rates cannot be estimated")
    assert all(f"'{g}' (n = 1)" in out for g in rare)


def test_audit_no_positive_rows_across_a_dozen_groups():
    rng = np.random.default_rng(0)
    labels = [f"{r}, {s}" for r in ("Amer-Indian-Eskimo", "Asian-Pac-Islander", "Black",
                                     "White", "Other", "Hispanic") for s in ("Female", "Male")]
    group = np.repeat(labels, 60)
    y = (rng.random(group.size) < 0.4).astype(int)
    no_positives = labels[:5]
    y[np.isin(group, no_positives)] = 0
    result = audit(y, rng.integers(0, 2, group.size), sensitive_features=group,
                   n_resamples=10)
    per_group = [w for w in result.warnings if w.startswith("Group '")]
    assert len(per_group) == 5
    out = fold_group_messages(result.warnings)
    assert len(out) == len(result.warnings) - 4
    folded = next(m for m in out if m.startswith("Each of 5 groups"))
    assert "has no positive rows, so its true positive rate is undefined" in folded
    assert _named(folded) == set(no_positives), "labels with ', ' stay whole"


def test_shapes_it_leaves_alone():
    single = "Group 'a' has only 3 positive and 9 negative calibration rows (fewer than 50)."
    other = "Every row is predicted negative: the decisions do not depend on the person."
    many = "Group(s) 'a', 'b' have no positive rows; FERM leaves them out."
    assert fold_group_messages([single, other, many, other]) == [single, other, many]
    different = ["Group 'a' has no positive rows.", "Group 'b' has no negative rows."]
    assert fold_group_messages(different) == different


def test_constant_numbers_stay_varying_numbers_become_ranges_and_names_are_capped():
    messages = [f"Group 'g{i}' has fewer than 50 calibration rows; its quantiles are noisy."
                for i in range(12)]
    (out,) = fold_group_messages(messages, max_names=4)
    assert out == ("Each of 12 groups has fewer than 50 calibration rows; its quantiles are "
                   "noisy. Groups: 'g0', 'g1', 'g2', 'g3' and 8 more.")
    varying = [f"Group 'O'Brien {i}' has only {n} rows." for i, n in
               enumerate(("12", "7", "1,234"))]
    (out,) = fold_group_messages(varying, sizes={"O'Brien 0": 99})
    assert out == ("Each of 3 groups has only 7–1,234 rows. Groups: 'O'Brien 0' (12 rows), "
                   "'O'Brien 1' (7 rows), 'O'Brien 2' (1,234 rows).")


def test_order_is_kept_and_folds_sit_where_their_first_message_was():
    messages = ["first", "Group 'a' has no positive rows.", "middle",
                "Group 'b' has no positive rows.", "last"]
    assert fold_group_messages(messages) == [
        "first", "Each of 2 groups has no positive rows. Groups: 'a', 'b'.", "middle", "last"]
