"""Browser fixtures: the real Streamlit server and Debian's Chromium.

See BROWSER_TESTING.md. Never run ``playwright install``: the tests launch
``/usr/bin/chromium``. Without it they skip, unless ``FAIRDASH_REQUIRE_BROWSER=1`` (set by
``.ci/run``) makes that a failure. Waiting and screenshot helpers live in ``browser_helpers.py``.

The ``adult_logreg`` and ``compas_demo`` fixtures compute, with the library alone, what the app
shows, so the tests can check that the screens state the library's numbers.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser_helpers import RERUN_TIMEOUT_MS, AppPage, RunCounter
from chromium import require_chromium
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
SERVER_LOG = ROOT / "test-results" / "streamlit-server.log"


@pytest.fixture(autouse=True)
def _chromium_present():
    """Every browser test skips (locally) or fails (in CI) without Chromium."""
    require_chromium()


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A desktop-sized window, since the app uses the wide layout."""
    return {**browser_context_args, "viewport": {"width": 1400, "height": 900}}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _server(log_path: Path):
    """Run ``streamlit run app.py`` from the project root on a free port; yield its URL.

    The server runs in its own process group, which is terminated on exit. Its output goes
    to ``log_path``.
    """
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(f"The Streamlit server did not become healthy (exit code "
                            f"{proc.poll()}); its log ends:\n{log_path.read_text()[-3000:]}",
                            pytrace=False)
            time.sleep(0.2)
        yield url
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)
        log.close()


@pytest.fixture(scope="session")
def streamlit_server():
    """The app's server for the whole session (log: ``test-results/streamlit-server.log``)."""
    require_chromium()
    with _server(SERVER_LOG) as url:
        yield url


@pytest.fixture
def fresh_server():
    """A server of its own that no browser has visited yet (for first-visit behaviour)."""
    require_chromium()
    with _server(SERVER_LOG.with_name("streamlit-fresh-server.log")) as url:
        yield url


@pytest.fixture(scope="session")
def base_url(streamlit_server):
    """The server's URL, so that ``page.goto("/")`` opens the app."""
    return streamlit_server


@pytest.fixture
def app(page: Page) -> AppPage:
    """A fresh page (not yet opened) whose finished runs and page errors are recorded.

    The listeners are attached before any ``goto``, so no run is missed.
    """
    runs = RunCounter()
    watched = AppPage(page, runs)
    page.on("websocket", lambda ws: ws.on("framereceived", runs.on_frame))
    page.on("pageerror", lambda exc: watched.page_errors.append(str(exc)))
    page.set_default_timeout(RERUN_TIMEOUT_MS)
    return watched


@pytest.fixture(scope="session")
def adult_logreg():
    """The app's default, computed by the library: Adult with its recommended roles and the
    logistic regression trained on its train split; ``(dataset, scores on every row)``."""
    from fairdash import data, models

    ds = data.build_dataset(data.load_sample("adult"), data.sample_roles("adult"))
    return ds, models.score_dataset(models.fit_builtin(ds, "logreg"), ds)


@pytest.fixture(scope="session")
def compas_demo():
    """The COMPAS demo's data, computed by the library: decile_score rescaled to 0-1 as given
    scores of two-year recidivism, grouped by race (as ``workspace.with_compas_demo``)."""
    from fairdash import data

    base = data.sample_roles("compas")
    roles = data.ColumnRoles(base.target, base.positive_label, ("race_binary",), base.features,
                             "decile_score")
    return data.build_dataset(data.load_sample("compas"), roles, rescale_scores=True)
