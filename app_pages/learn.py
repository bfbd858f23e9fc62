"""Learn: the classroom lessons (see fairdash/ui/screens/learn.py)."""

from fairdash.ui import shell
from fairdash.ui.screens import learn

shell.run(learn.render)
