"""Learn, lesson 1: what the gaps measure (see fairdash/ui/screens/learn_rates.py)."""

from fairdash.ui import shell
from fairdash.ui.screens import learn_rates

shell.run(learn_rates.render)
