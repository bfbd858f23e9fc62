"""Mitigate: preview a method, make it active (fairdash/ui/screens/mitigate.py; a table
counted where it lives: screens/mitigate_connected.py)."""

from fairdash.ui import shell
from fairdash.ui.screens import mitigate, mitigate_connected

shell.run(mitigate.render, connected=mitigate_connected.render)
