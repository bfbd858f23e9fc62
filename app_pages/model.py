"""Model: train, upload or point at a model (see fairdash/ui/screens/model.py)."""

from fairdash.ui import connected, shell
from fairdash.ui.screens import model

shell.run(model.render, connected=connected.rows_screen("model", "Model"))
