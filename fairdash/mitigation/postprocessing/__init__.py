"""Post-processing: change a trained model's scores or decisions, given each row's group.

* :class:`GroupThresholdOptimizer` -- randomised group thresholds under demographic parity,
  equal opportunity or equalized odds (docs/methods.md §4).
* :class:`BarycenterPostprocessor` -- move every group's scores to their Wasserstein
  barycenter (docs/methods.md §2.3-2.6).
* :class:`SequentialBarycenter` -- the same for several sensitive attributes (docs/methods.md §2.7).
"""

from fairdash.mitigation.postprocessing._barycenter import BarycenterPostprocessor
from fairdash.mitigation.postprocessing._sequential import SequentialBarycenter
from fairdash.mitigation.postprocessing._thresholds import GroupThresholdOptimizer

__all__ = ["BarycenterPostprocessor", "GroupThresholdOptimizer", "SequentialBarycenter"]
