"""``build_report``: one self-contained HTML file of an audit and what was done about it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fairdash import metrics as fd_metrics
from fairdash.data import AUDITED_SPLIT, SAMPLES
from fairdash.exceptions import FairDashError
from fairdash.report import _extras, _page, _sections
from fairdash.report._live import live_payload

__all__ = ["Audited", "Comparison", "Tradeoff", "build_report"]


@dataclass(frozen=True)
class Tradeoff:
    """The tradeoff chart's input.

    Attributes
    ----------
    table : DataFrame
        :func:`fairdash.tradeoff.measure`'s frame (a ``baseline`` row, then one row per method
        and strength).
    gap, performance : str
        Names of the gap (x) and performance (y) it was measured with.
    selected : tuple (method, strength), optional
        The chosen point, ringed on the chart.
    """

    table: pd.DataFrame
    gap: str
    performance: str
    selected: tuple | None = None


@dataclass(frozen=True)
class Comparison:
    """A model update: the :class:`fairdash.compare.FlipReport` and both models' names."""

    report: object
    old_label: str
    new_label: str


@dataclass(frozen=True, eq=False)
class Audited:
    """What every section reads: the dataset, the audited rows and the audit at the threshold."""

    ds: object
    scores: np.ndarray
    mask: np.ndarray
    codes: np.ndarray
    labels: pd.Index
    result: object
    index: object
    threshold: float
    model_name: str
    provenance: dict
    positive_meaning: str
    decisions_only: bool
    options: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return int(self.mask.sum())

    @property
    def group_names(self) -> np.ndarray:
        """The group label of every audited row."""
        return np.asarray(self.labels, dtype=object)[self.codes]

    def decisions(self, scores=None, decisions_only=None) -> np.ndarray:
        """0/1 (or expected) decisions on the audited rows, of the base model by default."""
        s = self.scores if scores is None else np.asarray(scores, dtype=np.float64)
        only = self.decisions_only if decisions_only is None else decisions_only
        s = s[self.mask]
        return s if only else (s >= self.threshold).astype(np.float64)


def _meaning(ds, provenance: dict) -> str:
    source = str((provenance.get("data") or {}).get("source", ""))
    name = source.split(":", 1)[1] if source.startswith("sample:") else None
    if name in SAMPLES and SAMPLES[name].target == ds.roles.target:
        return SAMPLES[name].positive_meaning
    return f"{ds.roles.target} = {ds.roles.positive_label}"


def _audit(ds, scores, threshold, model_name, provenance, positive_meaning, options):
    """The audit exactly as ``fairdash.metrics.audit`` (and ``python -m fairdash audit``)."""
    if ds.task != "classification":
        raise FairDashError(f"The report covers yes/no outcomes; the target "
                            f"'{ds.roles.target}' is continuous (use `python -m fairdash "
                            "audit` for a regression audit).")
    if not (np.isfinite(threshold) and 0.0 <= threshold <= 1.0):
        raise FairDashError(f"The threshold must be a number in [0, 1]; got {threshold}.")
    scores = np.asarray(scores, dtype=np.float64)
    if scores.shape != (len(ds.frame),):
        raise FairDashError(f"The scores must have one value per row of the table "
                            f"({len(ds.frame):,}); got {scores.shape[0]:,}.")
    mask = ds.rows(AUDITED_SPLIT)
    groups = ds.frame.loc[mask, list(ds.roles.sensitive)]
    codes, labels = fd_metrics.encode_groups(groups)
    rows = np.bincount(codes, minlength=len(labels))
    index = fd_metrics.ScoreIndex(ds.y[mask], scores[mask], codes, len(labels))
    result = fd_metrics.audit_counts(index.counts_at(threshold), labels, row_counts=rows,
                                     auc=index.auc(), threshold=threshold, **options)
    only = bool(ds.roles.score_column and ds.scores_are_decisions)
    return Audited(ds, scores, mask, codes, labels, result, index, float(threshold),
                   str(model_name), dict(provenance or {}),
                   positive_meaning or _meaning(ds, provenance or {}), only, options)


def build_report(ds, scores, *, threshold: float, provenance: dict, model_name: str,
                 gate_rules=(), gate_on_interval: bool = False,
                 method: str = "between_groups", reference=None,
                 min_group_size: int = fd_metrics.DEFAULT_MIN_GROUP_SIZE,
                 n_resamples: int = 1000, random_state: int = 0,
                 positive_meaning: str | None = None, title: str | None = None,
                 mitigation=None, mitigated=None, tradeoff: Tradeoff | None = None,
                 comparison: Comparison | None = None, slices=None,
                 plotly_js: str = "gzip") -> str:
    """One self-contained HTML report of an audit: summary first, then the detail.

    Parameters
    ----------
    ds : fairdash.data.Dataset
        With a yes/no target.
    scores : ndarray, shape (n_rows,)
        The model's scores (or given 0/1 decisions) on every row of ``ds``; the held-out test
        rows are audited, as on every screen and command.
    threshold : float
        The audited decision threshold; the reader can move it in the page.
    provenance : dict
        :func:`fairdash.provenance.provenance`'s block, shown as given.
    model_name : str
        The model as the reader knows it.
    gate_rules : iterable of str or GateRule
        Pass/fail rules (``demographic_parity_difference>0.1``) shown as badges.
    gate_on_interval : bool, default False
        Judge the rules on the 95 % interval (as ``--fail-on-ci``).
    method, reference, min_group_size, n_resamples, random_state
        As in :func:`fairdash.metrics.audit`.
    positive_meaning : str, optional
        What a positive decision means (default: the sample's wording, or ``target = label``).
    title : str, optional
    mitigation : MitigationResult, optional
        The active mitigation (from :func:`fairdash.mitigation.mitigate`).
    mitigated : BeforeAfter, optional
        Its :func:`fairdash.mitigation.before_after` with the same options, when already
        computed (computed here from ``mitigation`` otherwise).
    tradeoff : Tradeoff, optional
    comparison : Comparison, optional
    slices : SliceSearchResult, optional
        From :func:`fairdash.subgroups.find_slices`.
    plotly_js : {"gzip", "plain"}, default "gzip"
        Embed plotly.js gzip-compressed (about 2 MB, unpacked by the browser's
        ``DecompressionStream``) or as it is (4.8 MB, for browsers older than 2023).

    Returns
    -------
    str
        The HTML document. Opening it makes no network request.

    Raises
    ------
    FairDashError
        A continuous target, a threshold outside [0, 1], scores of the wrong length, a gate
        rule naming a gap the audit does not measure, or a mitigation without its result.
    """
    if plotly_js not in ("gzip", "plain"):
        raise ValueError(f"plotly_js must be 'gzip' or 'plain'; got {plotly_js!r}.")
    options = {"method": method, "reference": reference, "min_group_size": min_group_size,
               "n_resamples": n_resamples, "random_state": random_state}
    a = _audit(ds, scores, threshold, model_name, provenance, positive_meaning, options)
    rules = [r if isinstance(r, fd_metrics.GateRule)
             else fd_metrics.parse_gate(str(r), gaps=tuple(fd_metrics.GAPS)) for r in gate_rules]
    gaps = a.result.to_dict()["gaps"]
    verdicts = fd_metrics.check_gates(gaps, rules, gate_on_interval)
    mit = _extras.mitigation_facts(a, mitigation, mitigated) if (
        mitigation is not None or mitigated is not None) else None
    cmp = _extras.comparison_facts(a, comparison) if comparison is not None else None
    live = None if a.decisions_only else live_payload(
        a.index, a.labels, threshold=a.threshold, rows=a.result.groups["n"].to_numpy(),
        method=method, reference_code=fd_metrics._audit.reference_code(a.labels, reference,
                                                                        method),
        min_group_size=min_group_size, confidence=a.result.confidence)
    figures = {}
    summary = _sections.summary(a, verdicts, mit, cmp, slices)
    detail = [_sections.audit_section(a, figures, live),
              _sections.data_section(a, figures), _sections.model_section(a)]
    if mit is not None:
        detail.append(_extras.mitigation_section(a, mit, figures))
    if tradeoff is not None:
        detail.append(_extras.tradeoff_section(a, tradeoff, figures))
    if cmp is not None:
        detail.append(_extras.comparison_section(a, cmp, figures))
    if slices is not None:
        detail.append(_extras.slices_section(a, slices))
    detail.append(_sections.provenance_section(a))
    heading = title or f"Fairness report: {a.model_name}"
    made = a.provenance.get("created")
    version = (a.provenance.get("versions") or {}).get("fairdash")
    byline = (f"FairDash{' ' + str(version) if version else ''} report"
              f"{', created ' + str(made) if made else ''}.")
    return _page.page(heading, summary, detail, figures, live, plotly_js, byline)
