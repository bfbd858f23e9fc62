"""Learn, lesson 5: levelling down and who pays (see fairdash/ui/screens/learn_pays.py)."""

from fairdash.ui import shell
from fairdash.ui.screens import learn_pays

shell.run(learn_pays.render)
