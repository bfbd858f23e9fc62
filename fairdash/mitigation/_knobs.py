"""A fitted method's native knob, explained in one plain sentence.

The registry says how ``strength`` maps to each method's own knob (``Method.strength_mapping``);
:func:`explain_knob` turns the values a fit actually chose
(:func:`fairdash.mitigation.native_values`) into words a reader of a method card can follow.
"""

from __future__ import annotations

import math

from fairdash.mitigation._registry import Method, get_method

__all__ = ["explain_knob"]

#: criterion -> the per-group rates it compares (plural, for "the groups' ... may differ")
_RATES = {
    "demographic_parity_difference": "selection rates",
    "equal_opportunity_difference": "true positive rates",
    "equalized_odds_difference": "true and false positive rates",
}

#: criterion -> the per-group rate the reductions moments bound against the overall rate
_RATE_VS_OVERALL = {
    "demographic_parity_difference": "selection rate",
    "equal_opportunity_difference": "true positive rate",
    "equalized_odds_difference": "true and false positive rates",
}

_FINAL_BOUND = 0.005   # the reductions bound at strength 1 (Method.strength_mapping)
_LAMBDA_CAP = 100.0    # the fairness penalty's cap on lambda / lambda0


def explain_knob(method: str | Method, native: dict, strength: float,
                 task: str = "classification") -> str:
    """One plain sentence saying what a fitted method's knob does at ``strength``.

    Parameters
    ----------
    method : str or Method
        A registered method or its name.
    native : dict
        The fitted knob values, as :func:`fairdash.mitigation.native_values` returns them
        (keys such as ``tolerance``, ``e0``, ``epsilon``, ``difference_bound``, ``lambda``,
        ``t``, ``repair_level``, ``lam``). Missing keys fall back to the registry's
        strength mapping.
    strength : float in [0, 1]
    task : {"classification", "regression"}, default "classification"
        Regression methods talk about predictions, not scores.

    Returns
    -------
    str
        Starts with ``"Strength 0.60: "`` and ends with a full stop.

    Examples
    --------
    Group thresholds fitted at strength 0.6 on a base model whose gap was 0.195 give
    ``"Strength 0.60: the groups' selection rates may differ by at most 0.078 on the
    calibration rows (the base model's gap of 0.195 shrunk by 60 %)."``
    """
    m = method if isinstance(method, Method) else get_method(method)
    s = float(strength)
    if not 0.0 <= s <= 1.0:
        raise ValueError(f"Strength must lie in [0, 1]; got {strength}.")
    native = dict(native or {})
    explain = _EXPLAINERS.get(m.name) or _EXPLAINERS[m.name.rsplit("_", 1)[0]]
    return f"Strength {s:.2f}: {explain(m, native, s, task)}."


def _get(native: dict, key: str, default: float) -> float:
    value = native.get(key)
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return default
    return default if math.isnan(value) else value


def _share(x: float) -> str:
    """A share as a whole per cent ('60 %')."""
    return f"{x * 100:.0f} %"


def _shrunk(e0: float, bound: float) -> str:
    if e0 <= 0:
        return "the base model already has no gap, so nothing changes"
    if bound >= e0 - 1e-12:
        return f"the base model's gap of {e0:.3f}, kept as it is"
    if bound <= 1e-12:
        return f"the base model's gap of {e0:.3f} shrunk to zero"
    return f"the base model's gap of {e0:.3f} shrunk by {_share(1 - bound / e0)}"


def _thresholds(m, native, s, task):
    e0 = _get(native, "e0", float("nan"))
    tol = _get(native, "tolerance", (1 - s) * e0)
    rates = _RATES[m.criterion]
    if math.isnan(tol):
        return (f"the groups' {rates} may differ on the calibration rows by at most the base "
                f"model's gap shrunk by {_share(s)}")
    if math.isnan(e0):
        return f"the groups' {rates} may differ by at most {tol:.3f} on the calibration rows"
    return (f"the groups' {rates} may differ by at most {tol:.3f} on the calibration rows "
            f"({_shrunk(e0, tol)})")


def _reductions(m, native, s, task):
    e0 = _get(native, "e0", float("nan"))
    bound = _get(native, "difference_bound", float("nan"))
    rate = _RATE_VS_OVERALL[m.criterion]
    one = "ones" if rate.endswith("rates") else "one"
    start = ("the unconstrained model's deviation" if math.isnan(e0)
             else f"the unconstrained model's {e0:.3f}")
    scale = f"on a log scale from {start} at strength 0 to {_FINAL_BOUND} at strength 1"
    if math.isnan(bound):
        return (f"each group's {rate} may deviate from the overall {one} on the training rows "
                f"by at most a bound that falls {scale}")
    return (f"each group's {rate} may deviate from the overall {one} by at most {bound:.3f} on "
            f"the training rows (the bound falls {scale})")


def _ferm(m, native, s, task):
    e0 = _get(native, "e0", float("nan"))
    eps = _get(native, "epsilon", (1 - s) * e0)
    lead = "the groups' truly positive people may differ in mean model score (log-odds) by at most"
    if math.isnan(eps):
        return f"{lead} the unconstrained fit's difference shrunk by {_share(s)}"
    text = f"{lead} {eps:.3f} on the training rows"
    if math.isnan(e0):
        return text
    if e0 <= 0:
        return text + " (the unconstrained fit already has no difference)"
    return text + (f" (the unconstrained fit's {e0:.3f} shrunk by "
                   f"{_share(1 - min(eps / e0, 1.0))})")


def _ferm_projection(m, native, s, task):
    t = _get(native, "t", s)
    return (f"{_share(t)} of the direction along which the groups' positive rows differ on "
            "average is removed from the features before the linear model is trained")


def _reweighing(m, native, s, task):
    lam = _get(native, "lambda", _get(native, "lam", s))
    if lam <= 0:
        return "every training row keeps weight 1, so the model is trained as before"
    return (f"each training row's weight moves {_share(lam)} of the way from 1 to the weight "
            "that makes group and outcome independent in the training data")


def _pc_reweighing(m, native, s, task):
    # the reweighing lambda is the strength; ``lam`` is the fixed distillation weight
    weight = _get(native, "lam", 0.1)
    return (_reweighing(m, {"lambda": s}, s, task)
            + f", while a fixed distillation weight of {weight:g} towards the base model keeps "
              "the rows it got right")


def _penalty(m, native, s, task):
    word = m.label.split("(")[-1].rstrip(")")
    if s <= 0:
        return f"no {word} penalty: the logistic model is trained unpenalised"
    ratio = _LAMBDA_CAP if s >= 1 else min(s / (1 - s), _LAMBDA_CAP)
    return (f"the {word} penalty counts {ratio:.3g} times as much as the prediction loss (both "
            "measured at the unpenalised fit)")


def _di_remover(m, native, s, task):
    level = _get(native, "repair_level", s)
    return (f"each group's numeric features move {_share(level)} of the way to the groups' "
            "median distribution, keeping each person's rank inside their group"
            + (", before the regressor is retrained" if task == "regression" else ""))


def _ot_repair(m, native, s, task):
    lam = _get(native, "lambda", s)
    if m.params.get("mode") == "random":
        return (f"a random {_share(lam)} of each group's rows is moved all the way to the "
                f"groups' Wasserstein barycenter and the other {_share(1 - lam)} stay as they "
                "are")
    return (f"each group's numeric features move {_share(lam)} of the way to the groups' "
            "Wasserstein barycenter (their weighted average distribution)")


def _barycenter(m, native, s, task):
    t = _get(native, "t", 1 - s)
    what = "prediction" if task == "regression" else "score"
    where = "for each sensitive attribute in turn, " if m.name == "barycenter_sequential" else ""
    place = ("its stratum's place in the common distribution"
             if m.name == "barycenter_sequential" else
             "its group's place in the common distribution")
    if t >= 1:
        return f"every {what} stays as it is"
    return f"{where}each {what} moves {_share(1 - t)} of the way to {place}"


_EXPLAINERS = {
    "thresholds": _thresholds,
    "reductions": _reductions,
    "ferm_linear": _ferm,
    "ferm_kernel": _ferm,
    "ferm_projection": _ferm_projection,
    "reweighing": _reweighing,
    "pc_reweighing": _pc_reweighing,
    "penalty": _penalty,
    "di_remover": _di_remover,
    "ot_repair": _ot_repair,
    "ot_repair_random": _ot_repair,
    "barycenter": _barycenter,
    "barycenter_sequential": _barycenter,
}
