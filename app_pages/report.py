"""Report: one self-contained HTML file for a stakeholder (see fairdash/ui/screens/report.py)."""

from fairdash.ui import connected, shell
from fairdash.ui.screens import report

shell.run(report.render, connected=connected.rows_screen("report", "Report for a stakeholder"))
