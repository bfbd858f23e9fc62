"""Mitigate: preview a method, make it active (fairdash/ui/screens/mitigate.py)."""

from fairdash.ui import shell
from fairdash.ui.screens import mitigate

shell.run(mitigate.render)
