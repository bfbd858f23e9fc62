"""Randomised group thresholds under a fairness constraint (docs/methods.md §4)."""

from __future__ import annotations

import copy
import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from fairdash.exceptions import DataError
from fairdash.mitigation._inputs import (
    check_binary_labels,
    check_scores,
    check_unit,
    check_weights,
    encode_fit_groups,
    encode_known_groups,
)
from fairdash.mitigation.postprocessing._hull import group_rocs, thin, upper_hull
from fairdash.mitigation.postprocessing._lp import solve_lp
from fairdash.mitigation.postprocessing._rules import base_parts, mixed_rule, rates_table, realise

CONSTRAINTS = ("equalized_odds", "equal_opportunity", "demographic_parity")
MIN_PER_CLASS = 50


class GroupThresholdOptimizer(BaseEstimator):
    """Randomised group-specific thresholds on a score, fitted under a fairness constraint.

    Finds, for each group, a point (FPR, TPR) on or under its ROC convex hull that minimises the
    expected cost ``cost_fp * P(Yhat=1, Y=0) + cost_fn * P(Yhat=0, Y=1)`` on the calibration rows
    under the constraint, and realises it by a three-level rule per group (accept above
    ``thr_hi``, accept with a probability between ``thr_lo`` and ``thr_hi``, and with a smaller
    probability below). Along ``strength`` that rule is mixed with the base model's own rule
    ``score >= threshold``, so strength 0 is the base model as it is.

    Parameters
    ----------
    constraint : {"equalized_odds", "equal_opportunity", "demographic_parity"}
        Equal TPR and FPR, equal TPR, or equal selection rate across groups.
    strength : float in [0, 1], default 1.0
        The path from the base model: 0 = exactly the base decisions ``score >= threshold``,
        1 = the exact constraint. In between, the decision probability is
        ``(1 - strength) [score >= threshold] + strength p_X``, with the rule ``p_X`` chosen
        so that the mixture is as cheap as possible with a violation of at most
        ``(1 - strength) e0_`` (see Notes).
    tolerance : float, optional
        The native knob epsilon (Cruz & Hardt 2024, as ``error-parity``): the cheapest rule
        whose violation is at most ``tolerance``, with no mixing. When given it overrides
        ``strength`` (and ``threshold`` plays no part).
    cost_fp, cost_fn : float, default 1.0
        Costs of a false positive and of a false negative (equal costs = accuracy).
    max_roc_points : int or None, default 1000
        The hull of each group is computed from its full ROC curve (every distinct score); if
        it has more vertices than this, they are thinned to this many, evenly spaced, both
        end points kept (the thinned hull lies inside the exact one). None keeps every vertex.
        Hulls of real ROC curves rarely need it (about 200 vertices for 500,000 rows).
    threshold : float, default 0.5
        The base model's decision threshold (the audit threshold): the base rule is
        ``score >= threshold``.

    Attributes
    ----------
    groups_ : pandas.Index
        Group labels seen in ``fit``.
    targets_ : DataFrame
        Per group: ``n``, ``n_pos``, ``n_neg``, expected ``fpr``, ``tpr``, ``selection_rate``
        and ``accuracy`` of the fitted decisions on the calibration rows; the three-level rule
        ``thr_hi``, ``thr_lo``, ``prob_hi``, ``prob_mid``, ``prob_lo``; and ``base_share``,
        the weight of the base rule: the decision probability is
        ``base_share [score >= threshold] + (1 - base_share) p_three_level``. TPR (FPR) is NaN
        for a group without positives (negatives).
    base_ : DataFrame
        The same rates for the base rule ``score >= threshold``.
    unconstrained_ : DataFrame
        The same rates for the epsilon = infinity solution (each group's best hull vertex).
    hulls_ : dict
        Group label -> DataFrame of its upper-hull vertices (``fpr``, ``tpr``, ``threshold``).
    e0_ : float
        Violation of the base rule on the calibration rows (largest gap in the constrained
        rate(s)): the violation at strength 0, scaled by ``1 - strength`` along the path.
    unconstrained_violation_ : float
        Violation of the unconstrained solution; a ``tolerance`` at or above it changes
        nothing.
    tolerance_ : float
        The bound used: ``tolerance``, or ``(1 - strength) * e0_``.
    violation_ : float
        Largest gap of the fitted decisions (<= ``tolerance_`` up to solver precision, 1e-9).
    expected_accuracy_ : float
        Expected accuracy on the calibration rows (decisions are randomised).
    expected_cost_ : float
        Expected cost per row on the calibration rows.
    warnings_ : list of str
        Groups left out of a rate's constraint, small groups.

    Notes
    -----
    docs/methods.md §4 (Hardt, Price & Srebro 2016; relaxed version of Cruz & Hardt 2024, as
    in ``error-parity``). Linear program in the variables (F_a, T_a), solved by
    ``scipy.optimize.linprog(method="highs")``::

        min  sum_a cost_fp P(A=a, Y=0) F_a + cost_fn P(A=a, Y=1) (1 - T_a)
        s.t. (F_a, T_a) under every edge of group a's upper ROC hull, F_a <= T_a, 0 <= F, T <= 1
             EO:   max_a F_a - min_a F_a <= eps  and  max_a T_a - min_a T_a <= eps
             EOpp: max_a T_a - min_a T_a <= eps
             DP:   max_a PPR_a - min_a PPR_a <= eps,  PPR_a = pi_a T_a + (1 - pi_a) F_a

    ``max - min <= eps`` is written with one auxiliary variable ``lo`` and rows
    ``lo <= r_a <= lo + eps``, the same set as the pairwise rows ``|r_a - r_b| <= eps``.
    The hull is exact (every distinct score); see ``max_roc_points`` for very long hulls.
    A target is realised by a three-level rule on the hull edge around it (docs/methods.md
    §4.4; :func:`~fairdash.mitigation.postprocessing._rules.realise`).

    *Strength* (docs/methods.md §4.7). Let B_a be the (FPR, TPR) of the base rule
    ``score >= threshold`` in group a and e0 its violation, both on the calibration rows. At
    strength s the decision is the base rule's with probability 1 - s and the rule of X with
    probability s, and X solves the program above with the constrained rates replaced by
    the mixed rates ``(1 - s) r_a(B) + s r_a(X)`` and eps = (1 - s) e0. So s = 0 gives the
    base decisions exactly (no program is solved), s = 1 the exact constraint, the violation
    is at most (1 - s) e0 throughout, and each point is at least as cheap as the straight
    mixture of the base rule and the exact solution (which is feasible). ``tolerance`` is
    the native knob of the relaxed problem instead: its solution at ``tolerance = (1 - s)
    e0`` is cheaper still but does not start from the base model. A group with no positives
    (negatives) is left out of the TPR (FPR) constraint with a warning (§4.9).
    """

    def __init__(self, constraint="equalized_odds", strength=1.0, tolerance=None, cost_fp=1.0,
                 cost_fn=1.0, max_roc_points=1000, threshold=0.5):
        self.constraint = constraint
        self.strength = strength
        self.tolerance = tolerance
        self.cost_fp = cost_fp
        self.cost_fn = cost_fn
        self.max_roc_points = max_roc_points
        self.threshold = threshold

    # ---------------------------------------------------------------------------------------
    def fit(self, scores, y, *, sensitive_features, sample_weight=None):
        """Fit the thresholds on labelled calibration rows (not the model's training rows).

        Parameters
        ----------
        scores : array-like of shape (n,) or (n, 1)
            The trained model's scores (higher = more likely positive).
        y : array-like of shape (n,)
            0/1 labels.
        sensitive_features : array-like of shape (n,)
            Group of each row.
        sample_weight : array-like of shape (n,), optional
            How many rows each row stands for (non-negative whole or fractional numbers). The
            fit equals the fit on the rows repeated that many times: pass the cells of counts
            per group x label x score (:func:`fairdash.engines.fit_on_counts`). Rows of weight
            0 are left out.

        Returns
        -------
        self
        """
        if self.constraint not in CONSTRAINTS:
            raise ValueError(f"constraint must be one of {', '.join(CONSTRAINTS)}; got "
                             f"{self.constraint!r}.")
        strength = check_unit(self.strength, "strength")
        if self.tolerance is not None and not float(self.tolerance) >= 0:
            raise ValueError(f"tolerance must be >= 0; got {self.tolerance}.")
        if not np.isfinite(float(self.threshold)):
            raise ValueError(f"threshold must be a finite number; got {self.threshold}.")
        cost_fp, cost_fn = float(self.cost_fp), float(self.cost_fn)
        if not (cost_fp >= 0 and cost_fn >= 0 and cost_fp + cost_fn > 0):
            raise ValueError("cost_fp and cost_fn must be non-negative and not both 0.")
        if self.max_roc_points is not None and int(self.max_roc_points) < 2:
            raise ValueError("max_roc_points must be at least 2 (or None).")
        scores = check_scores(scores)
        y = check_binary_labels(y, len(scores))
        codes, labels = encode_fit_groups(sensitive_features, len(scores), type(self).__name__,
                                          rows="scores", error=DataError)
        weights = None
        if sample_weight is not None:  # rows of weight 0 do not exist, nor groups of only those
            weights = check_weights(sample_weight, len(scores))
            keep = weights > 0
            scores, y, weights = scores[keep], y[keep], weights[keep]
            present, codes = np.unique(codes[keep], return_inverse=True)
            labels = labels[present]
        self._prepare(scores, y, codes, labels, cost_fp, cost_fn, weights)
        if self.tolerance is not None:
            self._solve_tolerance(float(self.tolerance))
        else:
            self._solve_strength(float(strength))
        return self

    def at_strengths(self, strengths):
        """Copies of this fitted optimizer at other strengths, reusing its ROC hulls.

        Building the hulls is the expensive part of :meth:`fit`; each copy only solves the
        linear program once more (none at strength 0), so a whole front of strengths costs
        one fit plus one small LP per point (the tradeoff explorer relies on this).

        Parameters
        ----------
        strengths : sequence of float in [0, 1]

        Returns
        -------
        list of GroupThresholdOptimizer
            Fitted, each exactly what ``fit`` with that ``strength`` (and ``tolerance=None``)
            would give on the same rows.
        """
        check_is_fitted(self, "rule_")
        out = []
        for s in strengths:
            twin = copy.copy(self)
            twin.strength, twin.tolerance = float(check_unit(s, "strength")), None
            twin._solve_strength(twin.strength)
            out.append(twin)
        return out

    def _prepare(self, scores, y, codes, labels, cost_fp, cost_fn, weights=None):
        """ROC curves, hulls, base rule and LP coefficients of the calibration rows."""
        k = len(labels)
        n = len(scores) if weights is None else float(weights.sum())
        rocs = group_rocs(scores, y, codes, k, weights)
        n_pos = np.array([r.n_pos for r in rocs], dtype=np.float64)
        n_neg = np.array([r.n_neg for r in rocs], dtype=np.float64)
        self.groups_ = labels
        self.warnings_ = self._group_warnings(labels, n_pos, n_neg)
        for msg in self.warnings_:
            warnings.warn(msg, UserWarning, stacklevel=3)
        hulls = []
        for r in rocs:
            h = upper_hull(r.fpr, r.tpr)
            h = h[thin(len(h), self.max_roc_points)]
            hulls.append((r.fpr[h], r.tpr[h], r.thresholds[h]))
        self.hulls_ = {lab: pd.DataFrame({"fpr": f, "tpr": t, "threshold": thr})
                       for lab, (f, t, thr) in zip(labels, hulls)}
        c_f = cost_fp * n_neg / n              # cost per unit of F_a
        c_t = cost_fn * n_pos / n              # saving per unit of T_a
        pi = n_pos / (n_pos + n_neg)
        # the base rule score >= threshold: the ROC point of the loosest threshold >= it
        thr = float(self.threshold)
        base = np.array([(r.fpr[j], r.tpr[j]) for r in rocs
                         for j in [int(np.count_nonzero(r.thresholds >= thr)) - 1]])
        # epsilon = infinity: each group's best hull vertex (first one on ties)
        free = np.array([self._best_vertex(h, a, b) for h, a, b in zip(hulls, c_f, c_t)])
        self.e0_ = self._violation(base, pi, n_pos, n_neg)
        self.unconstrained_violation_ = self._violation(free, pi, n_pos, n_neg)
        self.base_ = rates_table(base, labels, n_pos, n_neg)
        self.unconstrained_ = rates_table(free, labels, n_pos, n_neg)
        self._lp = (hulls, c_f, c_t, pi, n_pos, n_neg, free, base, n, cost_fp, cost_fn)

    def _solve_strength(self, strength):
        """The mixture with the base rule at ``strength`` (one LP; none at 0)."""
        hulls, c_f, c_t, pi, n_pos, n_neg, free, base = self._lp[:8]
        eps = (1.0 - strength) * self.e0_
        if strength == 0.0:
            self._set_rules([base_parts(float(self.threshold))] * len(hulls), base, 0.0, eps)
            return
        mixed = (1.0 - strength) * base + strength * free
        if self._violation(mixed, pi, n_pos, n_neg) <= eps:
            target = free
        else:
            target = solve_lp(hulls, c_f, c_t, pi, self._constrained(n_pos, n_neg), eps,
                              base=base, share=strength)
        self._set_rules(*self._realise(hulls, target), strength, eps)

    def _solve_tolerance(self, tolerance):
        """The relaxed problem at ``tolerance``, no mixing (one LP)."""
        hulls, c_f, c_t, pi, n_pos, n_neg, free = self._lp[:7]
        if tolerance >= self.unconstrained_violation_ or len(hulls) == 1:
            target = free
        else:
            target = solve_lp(hulls, c_f, c_t, pi, self._constrained(n_pos, n_neg), tolerance)
        self._set_rules(*self._realise(hulls, target), 1.0, tolerance)

    @staticmethod
    def _realise(hulls, target):
        out = [realise(h, x) for h, x in zip(hulls, target)]
        return [o[:3] for o in out], np.array([o[3] for o in out], dtype=np.float64)

    def _set_rules(self, parts, reached, share, tolerance):
        """The rule mixing ``parts`` (weight ``share``) with the base rule, and its rates."""
        _, _, _, pi, n_pos, n_neg, _, base, n, cost_fp, cost_fn = self._lp
        self.tolerance_ = float(tolerance)
        self.rule_ = mixed_rule(parts, float(self.threshold), share)
        rates = (1.0 - share) * base + share * reached
        self.violation_ = self._violation(rates, pi, n_pos, n_neg)
        probs = np.array([p[2] for p in parts], dtype=np.float64).reshape(-1, 3)
        self.targets_ = rates_table(rates, self.groups_, n_pos, n_neg,
                                    thr_hi=[p[0] for p in parts], thr_lo=[p[1] for p in parts],
                                    prob_hi=probs[:, 2], prob_mid=probs[:, 1],
                                    prob_lo=probs[:, 0], base_share=1.0 - share)
        tpr = np.nan_to_num(self.targets_["tpr"].to_numpy())
        fpr = np.nan_to_num(self.targets_["fpr"].to_numpy())
        self.expected_accuracy_ = float((n_pos * tpr + n_neg * (1 - fpr)).sum() / n)
        self.expected_cost_ = float((cost_fp * n_neg * fpr + cost_fn * n_pos * (1 - tpr)).sum()
                                    / n)

    def decision_proba(self, scores, *, sensitive_features):
        """Probability that the decision is 1 for each row (deterministic).

        Parameters
        ----------
        scores : array-like of shape (n,) or (n, 1)
        sensitive_features : array-like of shape (n,)

        Returns
        -------
        ndarray of shape (n,)
            At strength 0 exactly ``1.0 * (scores >= threshold)``.
        """
        check_is_fitted(self, "rule_")
        scores = check_scores(scores)
        g = encode_known_groups(sensitive_features, self.groups_, len(scores), type(self).__name__,
                                rows="scores", error=DataError)
        return self.rule_.proba(scores, g)

    def predict(self, scores, *, sensitive_features, random_state=None):
        """Sampled 0/1 decisions: 1 with probability :meth:`decision_proba`.

        Parameters
        ----------
        scores : array-like of shape (n,) or (n, 1)
        sensitive_features : array-like of shape (n,)
        random_state : int, RandomState or None
            Source of the decisions' randomness.

        Returns
        -------
        ndarray of int of shape (n,)
        """
        p = self.decision_proba(scores, sensitive_features=sensitive_features)
        rng = check_random_state(random_state)
        return (rng.random_sample(len(p)) < p).astype(np.int64)

    # ---------------------------------------------------------------------------------------
    @staticmethod
    def _best_vertex(hull, c_f, c_t):
        f, t, _ = hull
        j = int(np.argmin(c_f * f - c_t * t))
        return f[j], t[j]

    def _constrained(self, n_pos, n_neg):
        """Boolean masks: groups in the FPR, TPR and selection-rate constraints."""
        k = len(n_pos)
        none = np.zeros(k, dtype=bool)
        if self.constraint == "equalized_odds":
            return n_neg > 0, n_pos > 0, none
        if self.constraint == "equal_opportunity":
            return none, n_pos > 0, none
        return none, none, np.ones(k, dtype=bool)

    def _violation(self, points, pi, n_pos, n_neg):
        """Largest gap of the constrained rate(s) of per-group (FPR, TPR) ``points``."""
        f, t = points[:, 0], points[:, 1]
        in_f, in_t, in_s = self._constrained(n_pos, n_neg)
        ppr = pi * t + (1 - pi) * f
        gaps = [float(v[m].max() - v[m].min()) for v, m in ((f, in_f), (t, in_t), (ppr, in_s))
                if m.sum() >= 2]
        return max(gaps, default=0.0)

    def _group_warnings(self, labels, n_pos, n_neg):
        out = []
        uses_t = self.constraint in ("equalized_odds", "equal_opportunity")
        uses_f = self.constraint == "equalized_odds"
        for lab, p, q in zip(labels, n_pos, n_neg):
            if uses_t and p == 0:
                out.append(f"Group '{lab}' has no positive calibration rows, so its true "
                           "positive rate is undefined; it is left out of the TPR constraint.")
            if uses_f and q == 0:
                out.append(f"Group '{lab}' has no negative calibration rows, so its false "
                           "positive rate is undefined; it is left out of the FPR constraint.")
            if 0 < min(p, q) < MIN_PER_CLASS:
                out.append(f"Group '{lab}' has only {int(p)} positive and {int(q)} negative "
                           f"calibration rows (fewer than {MIN_PER_CLASS}); its ROC curve and "
                           "thresholds are noisy.")
        return out
