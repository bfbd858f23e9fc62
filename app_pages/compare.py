"""Compare: what a model update fixes and breaks, for whom (see fairdash/ui/screens/compare.py)."""

from fairdash.ui import shell
from fairdash.ui.screens import compare

shell.run(compare.render)
