"""Mitigations: pre-, in- and post-processing methods as scikit-learn estimators, one registry.

The estimators live in :mod:`fairdash.mitigation.preprocessing`,
:mod:`fairdash.mitigation.inprocessing` and :mod:`fairdash.mitigation.postprocessing`
(imported on use: they pull in POT and fairlearn). This module holds what every consumer
needs: the registry, and how a method is applied to a :class:`fairdash.data.Dataset` and
measured before and after.

Public names
------------
REGISTRY, Method, STAGES, get_method, methods_for
    Every method with its stage, criterion, native knob, strength mapping, tasks, whether it
    needs the sensitive attribute at decision time and whether it randomises.
CRITERIA, criterion_label
    Criterion (audit gap name) -> what it asks to equalise, in words fitting the task.
explain_knob
    A fitted method's native knob values in one plain sentence.
mitigate, MitigationResult, native_values
    Fit a method at a strength on a Dataset's proper split and score every row.
fit_split, check_groups_fitted
    The split a method is fitted on; refuse a group without rows there, before fitting.
before_after, BeforeAfter, evaluate, PERFORMANCE
    Audit the base model and the mitigation on the same held-out test rows.

The registry is imported with the package; the rest on first use (scikit-learn is not needed
to read the registry).
"""

from fairdash._lazy import lazy_names
from fairdash.mitigation._criteria import CRITERIA, criterion_label
from fairdash.mitigation._knobs import explain_knob
from fairdash.mitigation._registry import INPUTS, REGISTRY, STAGES, Method, get_method, methods_for

#: names imported on first use: fitting and measuring pull in scikit-learn (0.7 s), which the
#: registry's readers (a link's check, the menus, the sidebar) do not need (issue 16)
_LAZY = {**dict.fromkeys(("EVALUATION_SPLIT", "MitigationResult", "check_groups_fitted",
                          "fit_split", "mitigate", "native_values"), "_apply"),
         **dict.fromkeys(("PERFORMANCE", "REGRESSION_PERFORMANCE", "BeforeAfter",
                          "before_after", "evaluate"), "_compare")}

__getattr__, __dir__ = lazy_names(__name__, _LAZY)

__all__ = [
                                         "CRITERIA",
                                         "EVALUATION_SPLIT",
                                         "INPUTS",
                                         "PERFORMANCE",
                                         "REGISTRY",
                                         "REGRESSION_PERFORMANCE",
                                         "STAGES",
                                         "BeforeAfter",
                                         "Method",
                                         "MitigationResult",
                                         "before_after",
                                         "check_groups_fitted",
                                         "criterion_label",
                                         "evaluate",
                                         "explain_knob",
                                         "fit_split",
                                         "get_method",
                                         "methods_for",
                                         "mitigate",
                                         "native_values",
]
