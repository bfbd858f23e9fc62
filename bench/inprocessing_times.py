"""Fit times of every pre- and in-processing method on Adult, through the registry.

Run alone (``python bench/inprocessing_times.py``) or as the last section of
``bench/bench_postprocessing.py``. Each registered training method is fitted at strengths 0.5
and 1 on Adult's train split (29,305 rows, 106 encoded features, groups = sex) exactly as the
app and the CLI do (``fairdash.mitigation.mitigate``), one BLAS/OpenMP thread, and measured on
the held-out test split. fairlearn's ExponentiatedGradient is timed directly on the same
encoded rows as the peer for the reductions. Times are single runs (a fit takes seconds).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from fairdash.data import build_dataset, load_sample, sample_roles  # noqa: E402
from fairdash.mitigation import evaluate, methods_for, mitigate  # noqa: E402
from fairdash.models import fit_builtin, score_dataset  # noqa: E402

STRENGTHS = (0.5, 1.0)


def _fairlearn_eg(ds, constraint: str) -> float:
    """Seconds for fairlearn's ExponentiatedGradient(LogisticRegression) on the same rows."""
    import warnings

    from fairlearn.reductions import (DemographicParity, EqualizedOdds, ExponentiatedGradient,
                                      TruePositiveRateParity)
    from sklearn.linear_model import LogisticRegression

    from fairdash.mitigation._apply import _design

    moment = {"demographic_parity": DemographicParity, "equal_opportunity":
              TruePositiveRateParity, "equalized_odds": EqualizedOdds}[constraint]
    _, M, _ = _design(ds)
    train = ds.rows("train")
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ExponentiatedGradient(LogisticRegression(max_iter=1000),
                              constraints=moment(difference_bound=0.01), eps=0.01,
                              max_iter=50).fit(M[train], ds.y[train],
                                               sensitive_features=ds.group_codes[train])
    return time.perf_counter() - start


def run(out=print) -> None:
    """Print one line per (method, strength): fit seconds, test accuracy and targeted gap."""
    ds = build_dataset(load_sample("adult"), sample_roles("adult"))
    with threadpool_limits(limits=1):
        base = score_dataset(fit_builtin(ds, "logreg"), ds)
        base_eval = evaluate(ds, base)
        out(f"\n(c) Pre- and in-processing fit times on Adult / sex ({int(ds.rows('train').sum()):,}"
            " train rows; one thread; test split)")
        out(f"{'method':<22}{'strength':>9}{'fit s':>8}{'accuracy':>10}  targeted gap "
            "(before -> after)")
        for m in methods_for("classification"):
            if m.stage == "post":
                continue
            for s in STRENGTHS:
                start = time.perf_counter()
                res = mitigate(ds, m, s, base_scores=base)
                seconds = time.perf_counter() - start
                after = evaluate(ds, res.scores, decisions_only=res.decisions_only)
                out(f"{m.name:<22}{s:>9.2f}{seconds:>8.1f}{after.overall['accuracy']:>10.4f}  "
                    f"{m.criterion} {base_eval.gaps.loc[m.criterion, 'value']:.3f} -> "
                    f"{after.gaps.loc[m.criterion, 'value']:.3f}")
        out("peer: fairlearn ExponentiatedGradient(LogisticRegression), bound 0.01, same rows")
        for constraint in ("demographic_parity", "equal_opportunity", "equalized_odds"):
            out(f"  {constraint:<20} {_fairlearn_eg(ds, constraint):6.1f} s "
                "(ours wraps it: the ratio to reductions_* is the cost of the wrapper)")
    out(f"base logistic regression: accuracy {base_eval.overall['accuracy']:.4f}; "
        f"load average {np.round(os.getloadavg(), 1).tolist()}")


if __name__ == "__main__":
    run()
