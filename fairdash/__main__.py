"""``python -m fairdash``: see :mod:`fairdash.cli`."""

import sys

from fairdash.cli import main

sys.exit(main())
