"""Pre-processing mitigations: change the training data (or its weights) before a model is fit.

- :func:`reweighing_weights`, :class:`ReweighedClassifier` -- Kamiran & Calders 2012 (6.1)
- :class:`DisparateImpactRemover` -- Feldman et al. 2015 (6.2)
- :class:`OTRepair` -- Gordaliza et al. 2019 (6.3)
- :class:`FERMProjection` -- Donini et al. 2018 (1.3 A)

Section numbers refer to docs/methods.md.
"""

from fairdash.mitigation.preprocessing._di_remover import DisparateImpactRemover
from fairdash.mitigation.preprocessing._ferm_projection import FERMProjection
from fairdash.mitigation.preprocessing._ot_repair import OTRepair
from fairdash.mitigation.preprocessing._reweighing import ReweighedClassifier, reweighing_weights

__all__ = ["DisparateImpactRemover", "FERMProjection", "OTRepair", "ReweighedClassifier",
           "reweighing_weights"]
