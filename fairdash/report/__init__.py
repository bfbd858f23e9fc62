"""One self-contained HTML report of an audit and what was done about it (issue #13).

:func:`build_report` returns a single HTML document: a one-screen summary in plain words
(which groups, which gaps, how large, how sure, what was done, what it cost, who paid), then
the detail (audit with a threshold control, data and roles, model, the active mitigation, the
tradeoff chart, a model update, subgroup findings, gate badges, provenance). plotly.js and
every number are inside the file, so opening it makes no network request; the page recomputes
every rate, Wilson interval and gap value at any of 1,001 thresholds from embedded per-group
confusion counts, exactly as :func:`fairdash.metrics.audit` does. A print style sheet gives
clean pages.

Public names
------------
build_report, Tradeoff, Comparison
    The report and the inputs of its tradeoff and comparison sections.
tradeoff_input
    The tradeoff section's input computed from a dataset and scores (the single-fit
    post-processing fronts), as the command line and the app both build it.
read_embedded
    The data a report embeds (threshold counts, figures), read back from its HTML.
GRID, counts_from_payload
    The thresholds of the control, and the confusion counts the page starts from.
"""

from fairdash.report._build import Comparison, Tradeoff, build_report
from fairdash.report._inputs import tradeoff_input
from fairdash.report._live import GRID, counts_from_payload
from fairdash.report._read import read_embedded

__all__ = ["GRID", "Comparison", "Tradeoff", "build_report", "counts_from_payload",
           "read_embedded", "tradeoff_input"]
