"""Tradeoffs: every method across its strength (fairdash/ui/screens/tradeoffs.py; a table
counted where it lives: screens/tradeoffs_connected.py)."""

from fairdash.ui import shell
from fairdash.ui.screens import tradeoffs, tradeoffs_connected

shell.run(tradeoffs.render, connected=tradeoffs_connected.render)
