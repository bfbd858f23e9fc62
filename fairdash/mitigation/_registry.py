"""The one list of mitigation methods: what each does, what it needs, and how its strength maps.

The UI, the CLI and the tradeoff sweeps read this registry; nothing else enumerates methods.
Estimator classes are named by import path so that listing the methods imports no solver.
"""

from __future__ import annotations

import importlib
from dataclasses import asdict, dataclass, field

from fairdash.mitigation._criteria import CRITERIA, criterion_label

__all__ = ["CRITERIA", "REGISTRY", "STAGES", "Method", "criterion_label", "get_method",
           "methods_for"]

#: stage -> human label, in pipeline order
STAGES = {
    "pre": "Pre-processing (change the training data)",
    "in": "In-processing (train under a fairness constraint)",
    "post": "Post-processing (change the decisions of a trained model)",
}

#: what each method's estimator is fitted on
INPUTS = {
    "features": "trains a new model on the feature columns (needs features and a training split)",
    "scores_labels": "adjusts a trained model's scores using labelled calibration rows",
    "scores": "adjusts a trained model's scores using unlabelled calibration rows",
}

@dataclass(frozen=True)
class Method:
    """One registered mitigation method.

    Attributes
    ----------
    name : str
        Identifier used by the CLI (``--method``) and in results.
    label : str
        Human name shown in the app.
    stage : {"pre", "in", "post"}
    criterion : str
        The fairness criterion it targets, as an audit gap name
        (``demographic_parity_difference``, ``equal_opportunity_difference``,
        ``equalized_odds_difference``).
    native_parameter : str
        The method's own knob, as the paper names it.
    strength_mapping : str
        How ``strength`` in [0, 1] becomes the native knob (0 = no mitigation).
    tasks : tuple of str
        ``classification`` and/or ``regression``.
    inputs : str
        A key of :data:`INPUTS`.
    needs_sensitive_at_predict : bool
        True when the group of a person must be known when a decision is made.
    randomised : bool
        True when decisions are drawn at random (expected metrics are reported).
    estimator : str
        ``"module:Class"`` of the scikit-learn estimator that implements it.
    params : dict
        Fixed keyword arguments for the estimator (besides ``strength``).
    what : str
        One plain sentence: what the method does (to a classifier's scores or decisions).
    what_regression : str
        The same for a regression target (predictions, no threshold); empty for methods
        that do not apply to regression. :meth:`describe` picks the one fitting a task.
    assumes : str
        One plain sentence: what it assumes or costs.
    paper : str
        The paper(s) it follows: authors, year, title and venue.
    min_sensitive_columns : int
        Sensitive columns it needs (2 for the sequential barycenter).
    single_fit_front : bool
        True when one fit gives the whole strength front (every strength follows from the
        fitted object without refitting): the group thresholds and the barycenter.
    retrains : bool
        Property: True when the method trains a new model on the features
        (``inputs == "features"``), so it needs features, a training split and a built-in
        learner.
    fit_recipe : str
        How a method that retrains is fitted, a key of
        ``fairdash.mitigation._retrain.RECIPES``; empty means the stage's default ("repair"
        before training, "direct" during training).
    """

    name: str
    label: str
    stage: str
    criterion: str
    native_parameter: str
    strength_mapping: str
    tasks: tuple
    inputs: str
    needs_sensitive_at_predict: bool
    randomised: bool
    estimator: str
    what: str
    assumes: str
    paper: str
    params: dict = field(default_factory=dict)
    min_sensitive_columns: int = 1
    single_fit_front: bool = False
    fit_recipe: str = ""
    what_regression: str = ""

    def describe(self, task: str = "classification") -> str:
        """What the method does, in words fitting ``task`` ("classification" or
        "regression")."""
        if task == "regression" and self.what_regression:
            return self.what_regression
        return self.what

    @property
    def retrains(self) -> bool:
        """True when the method trains a new model on the feature columns."""
        return self.inputs == "features"

    @property
    def uses_threshold(self) -> bool:
        """True when the result depends on the base model's decision threshold: the group
        thresholds start from the base rule ``score >= threshold`` (docs/methods.md §4)."""
        return self.inputs == "scores_labels"

    def make(self, strength: float, **overrides):
        """A fresh, unfitted estimator at ``strength`` (``overrides`` replace fixed params)."""
        if not 0.0 <= float(strength) <= 1.0:
            raise ValueError(f"Strength must lie in [0, 1]; got {strength}.")
        module, cls = self.estimator.split(":")
        klass = getattr(importlib.import_module(module), cls)
        return klass(**{**self.params, **overrides, "strength": float(strength)})

    def to_dict(self) -> dict:
        """JSON-safe description (what ``python -m fairdash methods --format json`` prints)."""
        d = asdict(self)
        d["tasks"] = list(self.tasks)
        d["stage_label"] = STAGES[self.stage]
        d["retrains"] = self.retrains
        d["what_regression"] = self.describe("regression")
        return d


_DP = "demographic_parity_difference"
_EOP = "equal_opportunity_difference"
_EO = "equalized_odds_difference"
_PRE = "fairdash.mitigation.preprocessing"
_IN = "fairdash.mitigation.inprocessing"
_POST = "fairdash.mitigation.postprocessing"
_CRITERION_WORDS = {c: label.split(":")[0].lower() for c, label in CRITERIA.items()}
_KC = ("Kamiran & Calders 2012, Data preprocessing techniques for classification without "
       "discrimination (Knowledge and Information Systems)")
_GORDALIZA = ("Gordaliza, del Barrio, Fabrice & Loubes 2019, Obtaining fairness using optimal "
              "transport theory (ICML)")
_DONINI = "Donini et al. 2018, Empirical risk minimization under fairness constraints (NeurIPS)"
_CHZHEN = ("Chzhen, Denis, Hebiri, Oneto & Pontil 2020, Fair regression with Wasserstein "
           "barycenters (NeurIPS); Chzhen & Schreuder 2022, A minimax framework for quantifying "
           "risk-fairness trade-off in regression (Annals of Statistics)")

_methods = [
    # ---- pre-processing ---------------------------------------------------------------------
    Method(
        "reweighing", "Reweighing", "pre", _DP, "lambda in w = 1 + lambda (W - 1)",
        "lambda = strength", ("classification",), "features", False, False,
        f"{_PRE}:ReweighedClassifier",
        what="Trains the model with row weights that make group and outcome independent in the "
             "training data, so no group looks more often positive than another.",
        assumes="Changes only how much each training row counts; a flexible model may change "
                "little, so read the measured gap.",
        paper=_KC,
        fit_recipe="pipeline"),
    Method(
        "di_remover", "Disparate-impact remover", "pre", _DP, "repair level lambda",
        "lambda = strength", ("classification", "regression"), "features", True, False,
        f"{_PRE}:DisparateImpactRemover",
        what="Moves every numeric feature of each group towards the groups' median distribution, "
             "keeping each person's rank inside their group.",
        what_regression="Moves every numeric feature of each group towards the groups' median "
                        "distribution, keeping each person's rank inside their group, and "
                        "retrains the regressor on the repaired features so its predictions "
                        "depend less on the group.",
        assumes="Needs the sensitive attribute to repair every new row before it is scored; "
                "the sensitive columns leave the model and categorical features stay as they "
                "are.",
        paper="Feldman et al. 2015, Certifying and removing disparate impact (KDD)"),
    Method(
        "ot_repair", "Optimal-transport repair (geometric)", "pre", _DP, "lambda",
        "lambda = strength", ("classification", "regression"), "features", True, False,
        f"{_PRE}:OTRepair", params={"mode": "geometric"},
        what="Moves each group's numeric features part of the way towards their Wasserstein "
             "barycenter (the weighted average of the groups' distributions).",
        what_regression="Moves each group's numeric features part of the way towards their "
                        "Wasserstein barycenter (the weighted average of the groups' "
                        "distributions) and retrains the regressor on the repaired features.",
        assumes="Needs the sensitive attribute to repair every new row; the sensitive columns "
                "leave the model, and each numeric feature is repaired separately, so dependence "
                "through combinations or categorical features can remain.",
        paper=_GORDALIZA),
    Method(
        "ot_repair_random", "Optimal-transport repair (random)", "pre", _DP, "lambda",
        "lambda = strength (share of rows moved fully to the barycenter)",
        ("classification", "regression"), "features", True, True,
        f"{_PRE}:OTRepair", params={"mode": "random"},
        what="Moves a random share lambda of each group's rows all the way to the barycenter and "
             "leaves the others untouched.",
        what_regression="Moves a random share lambda of each group's rows all the way to the "
                        "barycenter, leaves the others untouched, and retrains the regressor "
                        "on the result.",
        assumes="Needs the sensitive attribute to repair every new row, which rows are "
                "repaired is decided at random, and the sensitive columns leave the model.",
        paper=_GORDALIZA),
    Method(
        "ferm_projection", "FERM projection", "pre", _EOP,
        "t, share of the direction u removed from the data",
        "t = strength (intermediate values change little: a linear model rescales its weight; "
        "use FERM (linear, epsilon) for a tradeoff curve)",
        ("classification",), "features", False, False,
        f"{_PRE}:FERMProjection",
        what="Removes from the data the direction along which the positives of the groups "
             "differ on average, then trains a linear model on what is left.",
        assumes="Equalises mean scores of the qualified people, not their true-positive rates "
                "exactly; only meaningful for a linear model.",
        paper=_DONINI,
        fit_recipe="project"),
    # ---- in-processing ----------------------------------------------------------------------
    Method(
        "ferm_linear", "FERM (linear, epsilon)", "in", _EOP, "epsilon bound on |<w, u>|",
        "epsilon = (1 - strength) * e0, e0 = |<w0, u>| of the unconstrained fit",
        ("classification",), "features", False, False,
        f"{_IN}:FERMClassifier", params={"kernel": "linear"},
        what="Trains a logistic model whose mean score on the qualified people may differ between "
             "groups by at most epsilon.",
        assumes="A linear model on the encoded features; the true-positive-rate gap shrinks but "
                "is rarely exactly zero.",
        paper=_DONINI),
    Method(
        "ferm_kernel", "FERM (kernel, epsilon)", "in", _EOP, "epsilon bound on |<w, u>|",
        "epsilon = (1 - strength) * e0 on Nystroem RBF features",
        ("classification",), "features", False, False,
        f"{_IN}:FERMClassifier", params={"kernel": "rbf"},
        what="The same constraint as FERM linear on a non-linear (RBF kernel) feature map.",
        assumes="Uses a 500-feature Nystroem approximation of the kernel; training is slower.",
        paper=_DONINI),
    *[Method(
        f"reductions_{short}", f"Exponentiated gradient ({_CRITERION_WORDS[crit]})", "in", crit,
        "difference_bound epsilon (and eps = epsilon)",
        "epsilon = e0 * (0.005 / e0) ** strength, e0 = largest per-group deviation of the "
        "unconstrained model",
        ("classification",), "features", False, True,
        f"{_IN}:ReductionsClassifier", params={"constraint": constraint},
        what=f"Trains a randomised mix of models that is as accurate as possible while keeping "
             f"{_CRITERION_WORDS[crit]} within epsilon on the training data.",
        assumes="Decisions are drawn at random from the mix (expected rates are shown); trains "
                "the base model dozens of times.",
        paper="Agarwal et al. 2018, A reductions approach to fair classification (ICML); "
              "fairlearn's ExponentiatedGradient")
      for short, crit, constraint in (("dp", _DP, "demographic_parity"),
                                      ("eop", _EOP, "equal_opportunity"),
                                      ("eo", _EO, "equalized_odds"))],
    *[Method(
        f"penalty_{div}", f"Fairness penalty ({word})", "in", _DP, "lambda (penalty weight)",
        "lambda = lambda0 * strength / (1 - strength), capped at 100 * lambda0",
        ("classification",), "features", False, False,
        f"{_IN}:FairPenaltyLogistic", params={"divergence": div},
        what=f"Trains a logistic model penalised by the {word} between the groups' score "
             "distributions, pulling them together.",
        assumes="A linear model; the penalty is computed on a fixed sample of 300 rows per "
                "group.",
        paper="Oneto et al. 2020, Exploiting MMD and Sinkhorn divergences for fair and "
              "transferable representation learning (NeurIPS)")
      for div, word in (("sinkhorn", "Sinkhorn divergence"), ("mmd", "MMD"),
                        ("w2", "Wasserstein-2 distance"))],
    Method(
        "pc_reweighing", "Reweighing, positive-congruent", "in", _DP,
        "reweighing lambda, with focal distillation weight 0.1 (alpha 1, beta 5)",
        "reweighing lambda = strength; distillation fixed", ("classification",), "features",
        False, False, f"{_IN}:CongruentReweighedClassifier",
        what="Retrains the model with reweighing while distilling the base model where it was "
             "right, so fewer people the old model served correctly are newly failed.",
        assumes="Trades part of reweighing's parity gain for fewer negative flips; it needs the "
                "base model's scores on the training rows.",
        paper="Yan et al. 2021, Positive-congruent training: towards regression-free model "
              f"updates (CVPR), with {_KC}",
        fit_recipe="distil"),
    # ---- post-processing --------------------------------------------------------------------
    *[Method(
        f"thresholds_{short}", f"Group thresholds ({_CRITERION_WORDS[crit]})", "post", crit,
        "tolerance epsilon",
        "a share strength of each group's decisions follows the most accurate group rule that "
        "keeps the gap of the mix within (1 - strength) * e0, e0 = the base model's gap at the "
        "audit threshold; the rest keep the base decision",
        ("classification",), "scores_labels", True, True,
        f"{_POST}:GroupThresholdOptimizer", params={"constraint": constraint},
        what=f"Picks a threshold (randomised between two where needed) for each group so that "
             f"{_CRITERION_WORDS[crit]} holds within epsilon at the lowest error, fitted on the "
             "calibration rows.",
        assumes="Needs each person's group at decision time and randomises some decisions; it "
                "may lower the better-served group's rates (levelling down).",
        paper="Hardt, Price & Srebro 2016, Equality of opportunity in supervised learning "
              "(NeurIPS); Cruz & Hardt 2024, Unprocessing seven years of algorithmic "
              "fairness (ICLR)",
        single_fit_front=True)
      for short, crit, constraint in (("dp", _DP, "demographic_parity"),
                                      ("eop", _EOP, "equal_opportunity"),
                                      ("eo", _EO, "equalized_odds"))],
    Method(
        "barycenter", "Wasserstein barycenter", "post", _DP, "t (share of the original kept)",
        "t = 1 - strength", ("classification", "regression"), "scores", True, False,
        f"{_POST}:BarycenterPostprocessor",
        what="Replaces each score by the same quantile of the groups' average score "
             "distribution, so every group's scores end up distributed alike (any threshold "
             "then selects the same share of each group).",
        what_regression="Replaces each prediction by the same quantile of the groups' average "
                        "prediction distribution, so every group's predictions end up "
                        "distributed alike (the same mean, spread and shape).",
        assumes="Needs each person's group at decision time; keeps the order of people inside a "
                "group; a tiny random jitter breaks ties.",
        paper=_CHZHEN,
        single_fit_front=True),
    Method(
        "barycenter_sequential", "Wasserstein barycenter (several attributes)", "post", _DP,
        "t_i per attribute", "every t_i = 1 - strength", ("classification", "regression"),
        "scores", True, False, f"{_POST}:SequentialBarycenter",
        what="Applies the barycenter repair one sensitive attribute after another, each within "
             "the strata of the attributes not yet repaired, which equalises every "
             "intersection.",
        what_regression="Applies the barycenter repair to the predictions one sensitive "
                        "attribute after another, each within the strata of the attributes not "
                        "yet repaired, so every intersection ends up with the same "
                        "distribution of predictions.",
        assumes="Needs every sensitive attribute at decision time; small intersections give "
                "noisy quantiles.",
        paper="Hu, Ratz & Charpentier 2024, A sequentially fair mechanism for multiple "
              "sensitive attributes (AAAI); the EquiPy package",
        min_sensitive_columns=2),
]

#: name -> Method, in the order the app lists them
REGISTRY: dict[str, Method] = {m.name: m for m in _methods}


def get_method(name: str) -> Method:
    """The registered method called ``name``; a ValueError naming the valid ones otherwise."""
    try:
        return REGISTRY[name]
    except KeyError:
        valid = ", ".join(REGISTRY)
        raise ValueError(f"There is no mitigation method called '{name}'; choose one of "
                         f"{valid}.") from None


def methods_for(task: str = "classification", *, stage: str | None = None,
                criterion: str | None = None, has_features: bool = True,
                n_sensitive: int = 1) -> list[Method]:
    """Registered methods valid for a task, optionally one stage and one criterion.

    Parameters
    ----------
    task : {"classification", "regression"}
    stage : {"pre", "in", "post"}, optional
    criterion : str, optional
        An audit gap name; only methods targeting it are returned.
    has_features : bool, default True
        False for uploaded models and given scores: only methods that work from scores are
        valid then (nothing can be retrained).
    n_sensitive : int, default 1
        Number of sensitive columns chosen.
    """
    out = []
    for m in REGISTRY.values():
        if task not in m.tasks or (stage and m.stage != stage):
            continue
        if criterion and m.criterion != criterion:
            continue
        if not has_features and m.inputs == "features":
            continue
        if n_sensitive < m.min_sensitive_columns:
            continue
        out.append(m)
    return out
