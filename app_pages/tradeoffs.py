"""Tradeoffs: every method across its strength (fairdash/ui/screens/tradeoffs.py)."""

from fairdash.ui import shell
from fairdash.ui.screens import tradeoffs

shell.run(tradeoffs.render)
