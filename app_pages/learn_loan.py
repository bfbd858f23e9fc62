"""Learn, lesson 3: thresholds per group, the loan game (see fairdash/ui/screens/learn_loan.py)."""

from fairdash.ui import shell
from fairdash.ui.screens import learn_loan

shell.run(learn_loan.render)
