"""Subgroups: find the groups nobody named (fairdash/ui/screens/subgroups.py)."""

from fairdash.ui import connected, shell
from fairdash.ui.screens import subgroups

shell.run(subgroups.render, connected=connected.rows_screen("subgroups", "Subgroups"))
