"""Audit: how the active model treats each group (see fairdash/ui/screens/audit.py)."""

from fairdash.ui import shell
from fairdash.ui.screens import audit

shell.run(audit.render)
