"""Learn, lesson 6: the groups nobody named (see fairdash/ui/screens/learn_bounty.py)."""

from fairdash.ui import shell
from fairdash.ui.screens import learn_bounty

shell.run(learn_bounty.render)
