"""In-processing mitigation: models trained under a fairness constraint or penalty.

``FERMClassifier`` and ``ProjectedKernelSVC`` constrain the mean score of the qualified people
(Donini et al. 2018, docs/methods.md §1); ``ReductionsClassifier`` is fairlearn's
exponentiated-gradient reduction, a randomised mix of models (Agarwal et al. 2018, docs/methods.md §5);
``FairPenaltyLogistic`` penalises a divergence between the groups' scores (Oneto et al. 2020,
docs/methods.md §3); ``PositiveCongruentClassifier`` trains an update that keeps what the old model
got right (focal distillation, docs/methods.md §7), alone or with reweighing. Every estimator takes ``strength`` in [0, 1] (0 = the unmitigated model) and
``sensitive_features`` as a keyword of ``fit`` only.
"""

from ._congruent import CongruentReweighedClassifier, PositiveCongruentClassifier
from ._ferm import FERMClassifier
from ._penalty import FairPenaltyLogistic
from ._projected_svc import ProjectedKernelSVC
from ._reductions import ReductionsClassifier

__all__ = ["CongruentReweighedClassifier", "FERMClassifier", "FairPenaltyLogistic", "PositiveCongruentClassifier",
           "ProjectedKernelSVC", "ReductionsClassifier"]
