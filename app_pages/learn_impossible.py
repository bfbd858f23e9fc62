"""Learn, lesson 2: you cannot have them all (see fairdash/ui/screens/learn_impossible.py)."""

from fairdash.ui import shell
from fairdash.ui.screens import learn_impossible

shell.run(learn_impossible.render)
