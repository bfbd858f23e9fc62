"""Lessons for the classroom: the computations behind the Learn screens (docs/methods.md §12).

Pure Python, no Streamlit: every number a lesson shows comes from here, built on
``fairdash.metrics``, ``fairdash.mitigation``, ``fairdash.data``, ``fairdash.models`` and
``fairdash.compare``.

Lessons
-------
1. :func:`rates_at` -- what the gaps measure, on :func:`lesson1_people`.
2. :func:`impossibility` -- calibration, base rates and error rates (Chouldechova 2017).
3. :func:`solve`, :func:`at_thresholds` -- the loan game on :func:`loan_applicants`.
4. :func:`lab` -- the bias lab on :func:`lab_population`.
5. :func:`who_pays_lesson` -- levelling down and who pays.
6. :func:`play` -- a bias-bounty round on :func:`bounty_game`.

Each lesson also has ``notice_*`` (sentences with the numbers) and ``check_*_task`` (a
:class:`TaskCheck`). :data:`LESSONS` holds the words, :func:`handout_html` the handouts and
:data:`GLOSSARY` the glossary.
"""

from fairdash.learn._biaslab import (
                                    BIASES,
                                    MITIGATIONS,
                                    LabResult,
                                    check_lab_task,
                                    gap_table,
                                    lab,
                                    lab_population,
                                    mitigation_label,
                                    notice_lab,
)
from fairdash.learn._bounty import (
                                    GROUPS,
                                    HIDDEN,
                                    REGIONS,
                                    Round,
                                    bounty_game,
                                    check_bounty_task,
                                    error_tables,
                                    notice_bounty,
                                    play,
                                    rule_for,
)
from fairdash.learn._common import LESSON_RATES, People, TaskCheck, counts_table, rates_table
from fairdash.learn._glossary import GLOSSARY, GLOSSARY_PAGE, link_terms, term_link
from fairdash.learn._handouts import handout_html
from fairdash.learn._impossible import (
                                    BINS,
                                    Impossibility,
                                    calibrated_group,
                                    check_impossibility_task,
                                    identity_line,
                                    impossibility,
                                    notice_impossibility,
)
from fairdash.learn._loan import (
                                    GAIN,
                                    LOSS,
                                    SOLUTIONS,
                                    LoanOutcome,
                                    Solution,
                                    at_thresholds,
                                    check_loan_task,
                                    loan_applicants,
                                    notice_loan,
                                    outcome,
                                    price_table,
                                    solve,
)
from fairdash.learn._rates import (
                                    RatesAtThreshold,
                                    best_accuracy,
                                    check_rates_task,
                                    lesson1_people,
                                    notice_rates,
                                    rates_at,
)
from fairdash.learn._texts import LESSONS, Lesson
from fairdash.learn._whopays import (
                                    METHODS,
                                    WhoPaysLesson,
                                    check_pays_task,
                                    levelled_down,
                                    notice_pays,
                                    who_pays_lesson,
)

__all__ = [
                                    "BIASES",
                                    "BINS",
                                    "GAIN",
                                    "GLOSSARY",
                                    "GLOSSARY_PAGE",
                                    "GROUPS",
                                    "HIDDEN",
                                    "LESSONS",
                                    "LESSON_RATES",
                                    "LOSS",
                                    "METHODS",
                                    "MITIGATIONS",
                                    "REGIONS",
                                    "SOLUTIONS",
                                    "Impossibility",
                                    "LabResult",
                                    "Lesson",
                                    "LoanOutcome",
                                    "People",
                                    "RatesAtThreshold",
                                    "Round",
                                    "Solution",
                                    "TaskCheck",
                                    "WhoPaysLesson",
                                    "at_thresholds",
                                    "best_accuracy",
                                    "bounty_game",
                                    "calibrated_group",
                                    "check_bounty_task",
                                    "check_impossibility_task",
                                    "check_lab_task",
                                    "check_loan_task",
                                    "check_pays_task",
                                    "check_rates_task",
                                    "counts_table",
                                    "error_tables",
                                    "gap_table",
                                    "handout_html",
                                    "identity_line",
                                    "impossibility",
                                    "lab",
                                    "lab_population",
                                    "lesson1_people",
                                    "levelled_down",
                                    "link_terms",
                                    "loan_applicants",
                                    "mitigation_label",
                                    "notice_bounty",
                                    "notice_impossibility",
                                    "notice_lab",
                                    "notice_loan",
                                    "notice_pays",
                                    "notice_rates",
                                    "outcome",
                                    "play",
                                    "price_table",
                                    "rates_at",
                                    "rates_table",
                                    "rule_for",
                                    "solve",
                                    "term_link",
                                    "who_pays_lesson",
]
