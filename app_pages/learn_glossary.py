"""Learn: the glossary (see fairdash/ui/screens/learn_glossary.py)."""

from fairdash.ui import shell
from fairdash.ui.screens import learn_glossary

shell.run(learn_glossary.render)
