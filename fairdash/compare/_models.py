"""Which models can be compared: specs like ``base``, ``reweighing@0.5``, ``model:hgb``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fairdash.exceptions import FairDashError

__all__ = ["ModelSpec", "compare_models", "decisions_for", "parse_spec"]


@dataclass(frozen=True)
class ModelSpec:
    """One side of a comparison.

    Attributes
    ----------
    kind : {"base", "method", "model", "column"}
        The base model; the base model mitigated by a registered method; another built-in
        model trained here; or decisions / scores given in a column of the table.
    name : str
        Method, built-in model or column name (empty for the base model).
    strength : float
        For ``kind="method"``.
    """

    kind: str
    name: str = ""
    strength: float = 1.0

    def label(self) -> str:
        """Plain name for tables and sentences."""
        if self.kind == "base":
            return "base model"
        if self.kind == "method":
            from fairdash.mitigation import get_method

            return f"{get_method(self.name).label} at strength {self.strength:g}"
        if self.kind == "model":
            from fairdash.models import builtin_models

            return builtin_models().get(self.name, self.name)
        return f"column '{self.name}'"

    def text(self) -> str:
        """The spec as :func:`parse_spec` reads it."""
        return {"base": "base", "method": f"{self.name}@{self.strength:g}",
                "model": f"model:{self.name}", "column": f"column:{self.name}"}[self.kind]


def parse_spec(text: str) -> ModelSpec:
    """Read ``base``, ``METHOD[@STRENGTH]``, ``model:NAME`` or ``column:NAME``.

    Raises
    ------
    FairDashError
        Naming the spec that cannot be read.
    """
    text = str(text).strip()
    if text == "base":
        return ModelSpec("base")
    if text.startswith("model:"):
        from fairdash.models import builtin_models

        name = text.split(":", 1)[1]
        if name not in builtin_models():
            raise FairDashError(f"'{text}': no built-in model called '{name}'; choose one of "
                                f"{', '.join(builtin_models())}.")
        return ModelSpec("model", name)
    if text.startswith("column:"):
        return ModelSpec("column", text.split(":", 1)[1])
    from fairdash.mitigation import get_method

    name, _, level = text.partition("@")
    try:
        get_method(name)
    except ValueError:
        raise FairDashError(f"'{text}' is not a model: use base, a method name (optionally "
                            "@strength), model:NAME or column:NAME.") from None
    try:
        strength = float(level) if level else 1.0
    except ValueError:
        raise FairDashError(f"'{text}': the strength after @ must be a number.") from None
    if not 0.0 <= strength <= 1.0:
        raise FairDashError(f"'{text}': the strength must lie in [0, 1].")
    return ModelSpec("method", name, strength)


def decisions_for(dataset, spec: ModelSpec, base_scores, *, threshold: float = 0.5,
                  base_name: str = "logreg", random_state: int = 0, mitigate=None,
                  model_scores=None) -> np.ndarray:
    """Decisions (or decision probabilities of a randomised method) of ``spec`` on every row.

    Parameters
    ----------
    dataset : fairdash.data.Dataset
    spec : ModelSpec
    base_scores : ndarray, shape (n,)
        The base model's scores on every row.
    threshold : float, default 0.5
        Applied to every score (the same threshold for both sides of a comparison).
    base_name : str, default "logreg"
        Learner that pre-processing methods retrain.
    random_state : int, default 0
    mitigate : callable(name, strength) -> MitigationResult, optional
        Where a ``method`` spec's result comes from (the app passes its cached one); by
        default :func:`fairdash.mitigation.mitigate` on ``dataset`` at ``threshold``.
    model_scores : callable(name) -> ndarray, optional
        Where a ``model`` spec's scores on every row come from (the app passes its cached
        ones); by default the built-in model is trained here.

    Returns
    -------
    ndarray of float, shape (n,)
    """
    base = np.asarray(base_scores, dtype=np.float64)
    if spec.kind == "base":
        return (base >= threshold).astype(np.float64)
    if spec.kind == "method":
        if mitigate is None:
            from fairdash.mitigation import mitigate as fit

            def mitigate(name, strength):
                return fit(dataset, name, strength, base_scores=base, base_name=base_name,
                           random_state=random_state, threshold=threshold)
        result = mitigate(spec.name, spec.strength)
        return result.scores if result.decisions_only else \
            (result.scores >= threshold).astype(np.float64)
    if spec.kind == "model":
        if not dataset.roles.features:
            raise FairDashError(f"{spec.label()} needs feature columns to train on.")
        if model_scores is None:
            from fairdash.models import fit_builtin, score_dataset

            def model_scores(name):
                return score_dataset(fit_builtin(dataset, name, random_state=random_state),
                                     dataset)
        return (np.asarray(model_scores(spec.name)) >= threshold).astype(np.float64)
    if spec.name not in dataset.frame.columns:
        raise FairDashError(f"Column '{spec.name}' is not in the table.")
    values = np.asarray(dataset.frame[spec.name], dtype=object)
    try:
        numbers = values.astype(np.float64)
    except (TypeError, ValueError):
        raise FairDashError(f"Column '{spec.name}' must hold numbers (0/1 decisions or "
                            "scores in [0, 1]).") from None
    if np.isnan(numbers).any() or (numbers < 0).any() or (numbers > 1).any():
        raise FairDashError(f"Column '{spec.name}' must hold 0/1 decisions or scores in "
                            "[0, 1] on every row.")
    return (numbers >= threshold).astype(np.float64)


def compare_models(dataset, old: ModelSpec, new: ModelSpec, base_scores, *,
                   threshold: float = 0.5, base_name: str = "logreg",
                   min_group_size: int = 30, random_state: int = 0):
    """Flip report of ``old`` against ``new`` on the held-out test rows of ``dataset``.

    Returns
    -------
    FlipReport
        With ``flips.row`` holding the dataset's row index labels.
    """
    from fairdash.compare._flips import flip_report
    from fairdash.mitigation import EVALUATION_SPLIT

    if dataset.task != "classification":
        raise FairDashError("Flips compare yes/no decisions; the target "
                            f"'{dataset.roles.target}' is continuous.")
    mask = dataset.rows(EVALUATION_SPLIT)
    kw = {"threshold": threshold, "base_name": base_name, "random_state": random_state}
    a = decisions_for(dataset, old, base_scores, **kw)[mask]
    b = decisions_for(dataset, new, base_scores, **kw)[mask]
    groups = np.asarray(dataset.group_labels, dtype=object)[dataset.group_codes[mask]]
    return flip_report(dataset.y[mask], a, b, sensitive_features=groups,
                       index=dataset.frame.index[mask], min_group_size=min_group_size)
