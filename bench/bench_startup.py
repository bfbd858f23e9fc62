"""Cold start of the dashboard: what ``streamlit run app.py`` does before the first paint.

For each run it starts a fresh server (``streamlit run app.py``), opens a fresh Chromium
context (empty cache) on one page as soon as the health check answers, and prints, in seconds
from launching the server:

* ``healthy``   the server answers ``/_stcore/health``;
* ``browser``   Chromium is up (launched after ``healthy``, as ``bench_ui.py`` does) and
  ``page``: Streamlit's page has loaded (its ``load`` event);
* ``session``   the first message of the session's websocket (the first script run starts);
* ``element``   the first element of the page arrives (the run's imports are done);
* ``chart``     the first plotly chart arrives on the websocket (``chart_msg``; app.py's
  placeholder that makes the browser load its chart code counts), the screen's own first
  chart arrives (``main_msg``) and is drawn (``chart``: an ``.main-svg`` in a
  ``stPlotlyChart`` of the main area); Home has no chart;
* ``finished``  the first run's ``script_finished``; ``idle``: the page is drawn and not running;
* ``server_cpu`` the CPU seconds the server has used by then (start-up included): less
  sensitive to other processes on the machine than the times.

"First chart" for a page means its first plotly figure drawn in the browser; for Home, which has
none, the page idle (every element of its first run drawn). ``--page audit`` opens ``/audit``
directly (the model is trained and audited in that first run). Also:

* ``--imports``: run the server with ``PYTHONPROFILEIMPORTTIME=1`` and sum the imports done
  after the health check (the first script run's), with the heaviest top-level modules;
* ``--profile``: a cProfile of one page's first script run (Streamlit's AppTest, in a fresh
  interpreter with Streamlit already imported), the heaviest functions by cumulative time;
* ``--rev REV``: serve the committed tree of a git revision (``git archive``) instead of the
  working tree, to measure a "before"; ``--tree DIR`` serves another checkout.

    python bench/bench_startup.py --runs 3                # Home and Audit, 3 runs each
    python bench/bench_startup.py --page audit --imports
    python bench/bench_startup.py --profile --page home
    python bench/bench_startup.py --rev HEAD~3 --runs 3

A bench script, not a test: it measures, it asserts nothing.
"""

from __future__ import annotations

import argparse
import atexit
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _load_server import cpu_seconds, start_server, stop_server
from bench_ui import ARGS, IDLE  # Chromium's flags; the page idle and connected

ROOT = Path(__file__).resolve().parents[1]
CHART = '[data-testid="stMain"] [data-testid="stPlotlyChart"] .main-svg'
PATHS = {"home": "/", "audit": "/audit"}
MARKS = ("healthy", "browser", "page", "session", "element", "chart_msg", "main_msg", "chart",
         "finished", "idle", "server_cpu")


def load_average() -> str:
    with open("/proc/loadavg") as fh:
        return fh.read().split()[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Timeline:
    """Times (from ``t0``) of the first websocket messages of each kind."""

    def __init__(self, page, t0: float):
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self.t0, self.marks, self._msg = t0, {}, ForwardMsg
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def mark(self, name: str) -> None:
        self.marks.setdefault(name, time.perf_counter() - self.t0)

    def _frame(self, payload) -> None:
        if isinstance(payload, str):
            return
        msg = self._msg()
        try:
            msg.ParseFromString(payload)
        except Exception:  # noqa: BLE001 - not a ForwardMsg
            return
        self.mark("session")
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self.mark("element")
            if msg.delta.new_element.WhichOneof("type") == "plotly_chart":
                self.mark("chart_msg")
                if "fig_primer" not in msg.delta.new_element.plotly_chart.id:
                    self.mark("main_msg")
        elif kind == "script_finished":
            self.mark("finished")


def one_run(pw, cwd: Path, which: str, imports: bool) -> tuple[dict, list, str | None]:
    port, log = free_port(), Path(tempfile.gettempdir()) / "bench_startup_server.log"
    env = dict(os.environ, **({"PYTHONPROFILEIMPORTTIME": "1"} if imports else {}))
    t0 = time.perf_counter()
    server = start_server(port, log, watch=False, cwd=cwd, env=env, poll=0.02)
    try:
        healthy = time.perf_counter() - t0
        offset = log.stat().st_size
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            line = Timeline(page, t0)
            line.marks["healthy"] = healthy
            line.mark("browser")
            page.on("load", lambda _: line.mark("page"))
            page.goto(f"http://127.0.0.1:{port}{PATHS[which]}")
            if which != "home":
                page.locator(CHART).first.wait_for(timeout=300_000)
                line.mark("chart")
            page.locator(IDLE).wait_for(state="attached", timeout=300_000)
            page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=60_000)
            line.mark("idle")
            line.marks["server_cpu"] = cpu_seconds(server.pid)
            chunks = page.evaluate("""() => performance.getEntriesByType('resource')
                .filter(e => e.name.endsWith('.js'))
                .map(e => [e.name.split('/').pop(), e.startTime, e.responseEnd, e.transferSize])""")
            origin = page.evaluate("() => performance.timeOrigin") / 1000
        finally:
            browser.close()
    finally:
        stop_server(server)
    # performance times are relative to the page's time origin (epoch ms); convert to t0
    shift = origin - (time.time() - (time.perf_counter() - t0))
    chunks = [(name, shift + s / 1000, shift + e / 1000, size) for name, s, e, size in chunks]
    tail = log.read_text(errors="replace")[offset:] if imports else None
    return line.marks, chunks, tail


def imports_summary(text: str, top: int = 12) -> str:
    """Sum of the top-level imports in ``-X importtime`` output, and the heaviest ones."""
    rows = []
    for line in text.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m and len(m.group(3)) == 1:
            rows.append((int(m.group(2)) / 1e6, m.group(4)))
    rows.sort(reverse=True)
    out = [f"  imports after the health check: {sum(r[0] for r in rows):.2f} s"]
    out += [f"    {s:5.2f} s  {name}" for s, name in rows[:top]]
    return "\n".join(out)


PROFILE = """
import cProfile, pstats, sys, time
import streamlit  # the server has it before the first session
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest
prof = cProfile.Profile()
inner = script_runner.exec_func_with_error_handling
def profiled(func, ctx):  # the script runs in its own thread: profile it there
    prof.enable()
    try:
        return inner(func, ctx)
    finally:
        prof.disable()
script_runner.exec_func_with_error_handling = profiled
t = time.perf_counter()
at = AppTest.from_file("app.py", default_timeout=600)
if sys.argv[1] != "home":
    at.switch_page("app_pages/%s.py" % sys.argv[1])
at.run()
print("first run (AppTest, in process): %.2f s, exceptions: %s" % (
    time.perf_counter() - t, [e.message for e in at.exception]))
pstats.Stats(prof).sort_stats("cumulative").print_stats(int(sys.argv[2]))
"""


def profile(cwd: Path, which: str, top: int) -> None:
    out = subprocess.run([sys.executable, "-c", PROFILE, which, str(top)], cwd=cwd,
                         capture_output=True, text=True, check=False)
    print(out.stdout[-20000:], out.stderr[-3000:])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--page", choices=["home", "audit", "both"], default="both")
    ap.add_argument("--imports", action="store_true", help="profile the first run's imports")
    ap.add_argument("--profile", action="store_true", help="cProfile of the first run (AppTest)")
    ap.add_argument("--top", type=int, default=40, help="--profile: functions shown")
    ap.add_argument("--rev", action="append", default=[],
                    help="serve this git revision's committed tree (repeat to compare)")
    ap.add_argument("--tree", type=Path, action="append", default=[],
                    help="serve the app in this directory (repeat to compare)")
    args = ap.parse_args()
    trees = [(str(t), t) for t in args.tree]
    if args.rev:
        from _load_server import snapshot

        made = [(rev, snapshot(rev)[0]) for rev in args.rev]
        atexit.register(lambda: [shutil.rmtree(where, ignore_errors=True) for _, where in made])
        trees += made
    trees = trees or [("working tree", ROOT)]
    pages = ["home", "audit"] if args.page == "both" else [args.page]
    if args.profile:
        for which in pages:
            print(f"== cProfile, first run of {which}")
            profile(trees[0][1], which, args.top)
        return
    from playwright.sync_api import sync_playwright

    print(f"load average at start: {load_average()}", flush=True)
    results = {(name, which): [] for name, _ in trees for which in pages}
    with sync_playwright() as pw:
        for i in range(args.runs):  # the trees interleaved, so that load hits them alike
            for name, cwd in trees:
                for which in pages:
                    marks, chunks, tail = one_run(pw, cwd, which, args.imports)
                    results[name, which].append(marks)
                    shown = "  ".join(f"{k} {marks[k]:.2f}" for k in MARKS if k in marks)
                    print(f"{name}: {which:5s} run {i + 1}: {shown}   (load {load_average()})",
                          flush=True)
                    big = [c for c in chunks if c[3] > 200_000]
                    for chunk, s, e, size in sorted(big, key=lambda c: c[1]):
                        print(f"        script {chunk[:40]:40s} {s:5.2f} -> {e:5.2f} s  "
                              f"({size / 1e6:.1f} MB)")
                    if tail is not None:
                        print(imports_summary(tail))
    print("\nmedians (s from launching the server):")
    for (name, which), runs in results.items():
        shown = "  ".join(f"{k} {statistics.median(r[k] for r in runs):.2f}" for k in MARKS
                          if all(k in r for r in runs))
        print(f"  {name}: {which:5s} {shown}")
    print(f"load average at end: {load_average()}")


if __name__ == "__main__":
    main()
