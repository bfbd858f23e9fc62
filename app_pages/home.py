"""Home: what FairDash is and the three ways in (fairdash/ui/screens/home.py)."""

from fairdash.ui import shell
from fairdash.ui.screens import home

shell.run(home.render)
