"""Compare: what a model update fixes and breaks, for whom (see fairdash/ui/screens/compare.py)."""

from fairdash.ui import connected, shell
from fairdash.ui.screens import compare

shell.run(compare.render, connected=connected.rows_screen("compare", "Compare"))
