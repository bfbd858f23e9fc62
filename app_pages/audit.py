"""Audit: how the active model treats each group (see fairdash/ui/screens/audit.py; a table
counted where it lives: screens/audit_connected.py)."""

from fairdash.ui import shell
from fairdash.ui.screens import audit, audit_connected

shell.run(audit.render, connected=audit_connected.render)
