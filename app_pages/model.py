"""Model: train, upload or point at a model (see fairdash/ui/screens/model.py)."""

from fairdash.ui import shell
from fairdash.ui.screens import model

shell.run(model.render)
