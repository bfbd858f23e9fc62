"""Data: choose a table and its column roles (see fairdash/ui/screens/data.py)."""

from fairdash.ui import shell
from fairdash.ui.screens import data

shell.run(data.render)
