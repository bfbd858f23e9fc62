"""Learn, lesson 4: where bias comes from, the bias lab (see fairdash/ui/screens/learn_bias.py)."""

from fairdash.ui import shell
from fairdash.ui.screens import learn_bias

shell.run(learn_bias.render)
