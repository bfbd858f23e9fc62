"""Debian's Chromium for every test that drives a browser (tests/browser and the figure layout
checks in tests/viz): where it is, how it is launched offline, and what happens without it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
#: Without the background-networking flags Chromium keeps trying hosts it cannot reach.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def require_chromium() -> None:
    """Skip (locally) or fail (with ``FAIRDASH_REQUIRE_BROWSER=1``, as in CI) without it."""
    if CHROMIUM.exists():
        return
    if os.environ.get("FAIRDASH_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{CHROMIUM} is missing, and FAIRDASH_REQUIRE_BROWSER=1 requires the browser "
                    "tests to run: install Debian's Chromium with "
                    "`apt-get install -y chromium` (never `playwright install`).", pytrace=False)
    pytest.skip(f"{CHROMIUM} is missing; install Debian's Chromium with "
                "`apt-get install -y chromium` to run the browser tests")
