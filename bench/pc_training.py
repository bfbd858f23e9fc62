"""Positive-congruent training on Adult: fewer negative flips than plain retraining?

Run ``python bench/pc_training.py``. The old model is the app's default, logistic regression
trained on Adult's train split (29,305 rows, groups = sex). Two kinds of update are compared on
the held-out test split (9,767 rows), each trained plainly and positive-congruently
(``PositiveCongruentClassifier``, focal distillation, alpha 1, beta 5, docs/methods.md §7):

(a) a stronger learner, histogram gradient boosting, at lambda = 0.3, 1 and 3;
(b) a fairness update, reweighing at full strength, and the registered ``pc_reweighing``
    (reweighing with distillation weight 0.1), through ``fairdash.mitigation.mitigate``.

For each: accuracy, negative flip rate (old right, new wrong) with its Wilson interval, the
largest per-group NFR, and the demographic parity difference. Single runs; prints, never asserts.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from fairdash.compare import flip_report  # noqa: E402
from fairdash.data import build_dataset, load_sample, sample_roles  # noqa: E402
from fairdash.metrics import demographic_parity_difference  # noqa: E402
from fairdash.mitigation import mitigate  # noqa: E402
from fairdash.mitigation._apply import _design, _group_values  # noqa: E402
from fairdash.mitigation.inprocessing import PositiveCongruentClassifier  # noqa: E402
from fairdash.models import fit_builtin, score_dataset  # noqa: E402


def line(name, decisions, y, old, groups, seconds):
    r = flip_report(y, old, decisions, sensitive_features=groups)
    o = r.overall
    dp = demographic_parity_difference(y, decisions, sensitive_features=groups)
    print(f"{name:<34} {o['accuracy_new']:.4f}  {o['nfr']:.4f} [{o['nfr_low']:.4f}, "
          f"{o['nfr_high']:.4f}]  {r.groups['nfr'].max():.4f}  {dp:.3f}  {seconds:6.1f}")


def main() -> None:
    warnings.simplefilter("ignore")
    ds = build_dataset(load_sample("adult"), sample_roles("adult"))
    train, test = ds.rows("train"), ds.rows("test")
    with threadpool_limits(limits=1):
        base = score_dataset(fit_builtin(ds, "logreg"), ds)
        _, M, _ = _design(ds)
    y, groups = ds.y[test], _group_values(ds, test)
    old = (base[test] >= 0.5).astype(float)
    print(f"Adult: train {int(train.sum()):,} rows, test {int(test.sum()):,}; old model = "
          f"logistic regression, accuracy {np.mean(old == y):.4f}\n")
    print(f"{'update':<34} {'acc':>6}  {'NFR [95% CI]':>24}  {'max NFR_g':>9}  {'DP':>5}  "
          f"{'fit s':>6}")

    def timed(fn):
        start = time.perf_counter()
        out = fn()
        return out, time.perf_counter() - start

    with threadpool_limits(limits=1):
        hgb = HistGradientBoostingClassifier(random_state=0)
        model, s = timed(lambda: hgb.fit(M[train], ds.y[train]))
        line("(a) HGB, plain retraining", model.predict(M[test]), y, old, groups, s)
        for lam in (0.3, 1.0, 3.0):
            pc, s = timed(lambda lam=lam: PositiveCongruentClassifier(
                HistGradientBoostingClassifier(random_state=0), strength=lam / 3).fit(
                M[train], ds.y[train], old_scores=base[train]))
            line(f"(a) HGB, PC training lambda={lam:g}", pc.predict(M[test]), y, old, groups, s)
        for name in ("reweighing", "pc_reweighing"):
            result, s = timed(lambda name=name: mitigate(ds, name, 1.0, base_scores=base))
            line(f"(b) {name} at strength 1", (result.scores[test] >= 0.5).astype(float), y,
                 old, groups, s)


if __name__ == "__main__":
    main()
