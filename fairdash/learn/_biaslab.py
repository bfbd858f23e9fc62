"""Lesson 4, the bias lab: inject one source of bias, train, audit against the truth.

docs/methods.md §12.4. The population is :func:`fairdash.data.make_synthetic`, which keeps the
true outcome in ``label_unbiased`` beside the observed ``label``. A logistic regression
(``fairdash.models``) is trained on the observed labels of the train split, a registered
mitigation (``fairdash.mitigation.mitigate``) is applied, and the held-out test rows are
audited twice: against the observed labels (what an analyst sees) and against the true ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fairdash.data import ColumnRoles, build_dataset, make_synthetic
from fairdash.learn._common import gap, points, rates_table
from fairdash.metrics import confusion_counts
from fairdash.mitigation import REGISTRY, mitigate
from fairdash.models import fit_builtin, score_dataset

#: kind of bias -> what it does, in words
BIASES = {
    "under_representation": "Under-representation: group B's share of the data falls from 30% "
                            "to 2%",
    "label_bias": "Label bias: up to 90% of group B's true positives are recorded as negative",
    "proxy": "Proxy feature: the feature 'proxy' reveals group membership (correlation 0.5 to 1)",
    "measurement_noise": "Measurement noise: group B's features x1 and x2 get extra noise "
                         "(standard deviation up to 2)",
}
#: mitigations of the lab: "none" or a name of fairdash.mitigation.REGISTRY
MITIGATIONS = ("none", "reweighing", "thresholds_dp", "thresholds_eop", "thresholds_eo")
#: rows of the synthetic population
ROWS = 20000
#: the population when every amount is 0
BASELINE = {"minority_share": 0.3, "base_rate": 0.4, "base_rate_gap": 0.1, "label_bias": 0.0,
            "proxy_strength": 0.5}
ROLES = ColumnRoles("label", "1", ("group",), ("x1", "x2", "proxy"))
#: the task: label bias of at least this amount ...
TASK_MIN_BIAS = 0.5


def lab_settings(kind: str, amount: float) -> dict:
    """The arguments of :func:`fairdash.data.make_synthetic` for ``amount`` of ``kind``
    (measurement noise is added afterwards, so it leaves them at the baseline).

    Parameters
    ----------
    kind : str
        A key of :data:`BIASES`.
    amount : float in [0, 1]
        0 gives :data:`BASELINE` for every kind.

    Returns
    -------
    dict
    """
    if kind not in BIASES:
        raise ValueError(f"kind must be one of {', '.join(BIASES)}; got {kind!r}.")
    amount = float(amount)
    settings = dict(BASELINE)
    if kind == "under_representation":
        settings["minority_share"] = 0.3 - 0.28 * amount
    elif kind == "label_bias":
        settings["label_bias"] = 0.9 * amount
    elif kind == "proxy":
        settings["proxy_strength"] = 0.5 + 0.5 * amount
    return settings


def lab_population(kind: str, amount: float, random_state: int = 0) -> pd.DataFrame:
    """The synthetic population with ``amount`` (0 = the baseline, 1 = the most) of ``kind``.

    Parameters
    ----------
    kind : str
        A key of :data:`BIASES`.
    amount : float in [0, 1]
    random_state : int, default 0

    Returns
    -------
    DataFrame
        The columns of :func:`fairdash.data.make_synthetic`.
    """
    amount = float(amount)
    frame = make_synthetic(ROWS, **lab_settings(kind, amount), random_state=random_state)
    if kind == "measurement_noise" and amount > 0:
        rng = np.random.default_rng(random_state + 1)
        minority = (frame["group"] != "A").to_numpy()
        for column in ("x1", "x2"):
            frame.loc[minority, column] += rng.normal(0.0, 2.0 * amount, minority.sum())
    return frame


@dataclass(frozen=True)
class LabResult:
    """One mitigation's audit on the test rows, against the observed and the true labels.

    Attributes
    ----------
    mitigation : str
    observed, truth : DataFrame
        ``n`` and the lesson rates per group, against ``label`` and ``label_unbiased``.
    gaps : DataFrame
        Index ``observed``, ``truth``; columns ``demographic_parity``, ``equal_opportunity``,
        ``equalized_odds`` (largest minus smallest) and ``accuracy`` (overall).
    """

    mitigation: str
    observed: pd.DataFrame
    truth: pd.DataFrame
    gaps: pd.DataFrame


def _gaps(counts: np.ndarray, table: pd.DataFrame) -> dict:
    return {"demographic_parity": gap(table["selection_rate"]),
            "equal_opportunity": gap(table["tpr"]),
            "equalized_odds": max(gap(table["tpr"]), gap(table["fpr"])),
            "accuracy": float((counts[:, 0].sum() + counts[:, 3].sum()) / counts.sum())}


def lab(kind: str, amount: float) -> dict:
    """Inject, train once, apply every lab mitigation and audit each (module docstring).

    Parameters
    ----------
    kind : str
        A key of :data:`BIASES`.
    amount : float in [0, 1]

    Returns
    -------
    dict
        Mitigation name (each of :data:`MITIGATIONS`) -> :class:`LabResult`.
    """
    frame = lab_population(kind, amount)
    ds = build_dataset(frame, ROLES, random_state=0)
    scores = score_dataset(fit_builtin(ds, "logreg", random_state=0), ds)
    test = ds.rows("test")
    codes, labels = ds.group_codes[test], list(ds.group_labels)
    truths = {"observed": ds.y[test], "truth": frame["label_unbiased"].to_numpy()[test]}
    out = {}
    for mitigation in MITIGATIONS:
        if mitigation == "none":
            decisions = (scores[test] >= 0.5).astype(np.float64)
        else:
            result = mitigate(ds, mitigation, 1.0, base_scores=scores, random_state=0)
            decisions = result.scores[test]
            if not result.decisions_only:
                decisions = (decisions >= 0.5).astype(np.float64)
        tables, gaps = {}, {}
        for name, y in truths.items():
            counts = confusion_counts(y, decisions, codes, len(labels))
            tables[name] = rates_table(counts, labels)
            gaps[name] = _gaps(counts, tables[name])
        out[mitigation] = LabResult(mitigation, tables["observed"], tables["truth"],
                                    pd.DataFrame(gaps).T.rename_axis("labels"))
    return out


def gap_table(results: dict) -> pd.DataFrame:
    """The gaps against the observed and the true labels for every lab mitigation.

    Parameters
    ----------
    results : dict
        From :func:`lab`.

    Returns
    -------
    DataFrame
        Index: mitigation name; columns ``<gap> observed`` and ``<gap> truth``.
    """
    rows = {}
    for m, result in results.items():
        g = result.gaps
        rows[m] = {f"{c} {w}": g.loc[w, c] for c in g.columns for w in g.index}
    return pd.DataFrame(rows).T.rename_axis("mitigation")


def mitigation_label(name: str) -> str:
    """Display name of a lab mitigation.

    Parameters
    ----------
    name : str
        ``"none"`` or a registry name.

    Returns
    -------
    str
    """
    return "No mitigation" if name == "none" else REGISTRY[name].label


def notice_lab(kind: str, amount: float, result: LabResult, table: pd.DataFrame) -> list[str]:
    """What to notice, with the numbers.

    Parameters
    ----------
    kind : str
        A key of :data:`BIASES`.
    amount : float
    result : LabResult
        The chosen mitigation's result.
    table : DataFrame
        From :func:`gap_table`.

    Returns
    -------
    list of str
        Plain sentences (not markdown).
    """
    o, t = result.observed, result.truth
    g = result.gaps
    out = [(f"{BIASES[kind]}; amount {amount:.2f}. The test rows hold {o.loc['A', 'n']:.0f} "
           f"people of A and {o.loc['B', 'n']:.0f} of B.")]
    out.append(f"{mitigation_label(result.mitigation)}: against the observed labels B's true "
               f"positive rate is {o.loc['B', 'tpr']:.1%} (A {o.loc['A', 'tpr']:.1%}); against the "
               f"true labels it is {t.loc['B', 'tpr']:.1%} (A {t.loc['A', 'tpr']:.1%}). The "
               f"equal-opportunity gap reads {points(g.loc['observed', 'equal_opportunity'])} "
               f"observed and is {points(g.loc['truth', 'equal_opportunity'])} in truth.")
    misread = max(abs(o.loc["B", "fpr"] - t.loc["B", "fpr"]),
                  abs(o.loc["B", "ppv"] - t.loc["B", "ppv"]))
    if misread > 0.02:
        out.append(f"The observed audit misreads group B: its false positive rate reads "
                   f"{o.loc['B', 'fpr']:.1%} against {t.loc['B', 'fpr']:.1%} in truth, its "
                   f"precision {o.loc['B', 'ppv']:.1%} against {t.loc['B', 'ppv']:.1%}: true "
                   "positives recorded as negative count as the model's mistakes.")
    else:
        out.append(f"Observed and true audits agree on group B (false positive rate and "
                   f"precision within {points(misread)}): here the observed labels tell the "
                   "truth.")
    best = table["equal_opportunity truth"].idxmin()
    out.append(f"Of the lab's mitigations, {mitigation_label(best)} leaves the smallest true "
               f"equal-opportunity gap ({points(table.loc[best, 'equal_opportunity truth'])}), "
               f"and {mitigation_label(table['equal_opportunity observed'].idxmin())} the "
               "smallest observed one.")
    return out


def check_lab_task(kind: str, amount: float, result: LabResult):
    """Task: under label bias (amount ≥ 0.5), find a mitigation whose equal-opportunity gap
    against the *true* labels is under 2 percentage points.

    Parameters
    ----------
    kind : str
    amount : float
    result : LabResult

    Returns
    -------
    TaskCheck
    """
    from fairdash.learn._common import TaskCheck

    g = result.gaps
    if kind != "label_bias" or amount < TASK_MIN_BIAS:
        return TaskCheck(False, "Not yet: choose label bias and set its amount to 0.5 or more.")
    true_gap, seen = g.loc["truth", "equal_opportunity"], g.loc["observed", "equal_opportunity"]
    if true_gap < 0.02:
        return TaskCheck(True, f"Done: with {mitigation_label(result.mitigation)} the true "
                               f"equal-opportunity gap is {points(true_gap)}, while the audit "
                               f"against the observed labels reads {points(seen)}: only the "
                               "unbiased labels tell you the repair worked.")
    return TaskCheck(False, f"Not yet: with {mitigation_label(result.mitigation)} the true "
                            f"equal-opportunity gap is {points(true_gap)} (observed "
                            f"{points(seen)}); find a mitigation that brings the true one under "
                            "2 percentage points.")
