"""Slider latency, cold start and memory of the dashboard in a real browser (issue 16).

Starts ``streamlit run app.py``, drives Debian's Chromium with Playwright and prints:

* cold start: launching the server to its health check, and to the first chart of the Audit
  screen in a fresh browser (the first run imports the libraries and trains the model);
* the median and p95 latency of ``--presses`` presses of each slider, key press to updated
  chart: the Audit threshold and the Mitigate strength of the barycenter repair, both answered
  in the browser by their components (key down in the component's frame to the animation
  frame after its charts were redrawn), on Adult and on an uploaded table of ``--rows`` rows,
  idle and while a training sweep (``python -m fairdash tradeoff`` with three training
  methods, two fits at a time) runs in the background; presses are spaced 0.5-0.9 s apart,
  so the slider is let go (and the server reruns) between most of them;
* the server's resident memory (process tree) before any session and after each.

    python bench/bench_ui.py                      # everything (about 10 minutes)
    python bench/bench_ui.py --rows 0 --no-sweep  # Adult, idle only

A bench script, not a test: it measures, it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _bench_common import load_average
from _load_server import start_server, stop_server, tree_rss
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IDLE = ('[data-testid="stApp"][data-test-script-state="notRunning"]'
        '[data-test-connection-state="CONNECTED"]')
FRAME = 'iframe[title*="fairdash_threshold"]'
STRENGTH_FRAME = 'iframe[title*="fairdash_strength"]'
STRENGTH = re.compile(r"^Strength \(0 = the model as it is")
SWEEP = [sys.executable, "-m", "fairdash", "tradeoff", "--sample", "adult", "--methods",
         "reductions_dp,ferm_linear,penalty_mmd", "--points", "9", "--jobs", "2",
         "--resamples", "50", "--format", "csv"]
#: in a component's frame: key down on its slider (the argument: its id) -> the animation frame
#: after data-shown changed
PROBE = """(slider) => {
  if (window.__lat) { return; }
  window.__lat = []; let t0 = null;
  document.getElementById(slider).addEventListener('keydown',
    () => { t0 = performance.now(); }, true);
  new MutationObserver(() => {
    if (t0 === null) { return; }
    const s = t0; t0 = null;
    requestAnimationFrame(() => window.__lat.push(performance.now() - s));
  }).observe(document.body, {attributes: true, attributeFilter: ['data-shown']});
}"""


class Runs:
    """Finished script runs seen on a page's websocket (arrival times)."""

    def __init__(self, page):
        self.finished = []
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload):
        if isinstance(payload, str):
            return
        msg = ForwardMsg()
        try:
            msg.ParseFromString(payload)
        except Exception:  # noqa: BLE001 - not a ForwardMsg
            return
        if msg.WhichOneof("type") == "script_finished" and msg.script_finished in (0, 3):
            self.finished.append(time.perf_counter())

    def wait(self, page, before: int, timeout: float = 300) -> float:
        deadline = time.perf_counter() + timeout
        while len(self.finished) <= before:
            if time.perf_counter() > deadline:
                raise TimeoutError("no run finished")
            page.wait_for_timeout(5)
        page.locator(IDLE).wait_for(state="attached", timeout=timeout * 1000)
        return self.finished[before]


def stats(values: list[float]) -> str:
    if not values:
        return "n/a"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):6.0f} ms   p95 {p95:6.0f} ms   (n={len(ordered)})"


def go(page, runs, title: str) -> None:
    before = len(runs.finished)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    runs.wait(page, before)


def component_presses(page, frame_selector: str, slider_id: str, name, low: float,
                      high: float, n: int) -> list[float]:
    """Key press to redrawn charts in a component's frame, ``n`` times, the slider kept
    between ``low`` and ``high`` (a frame replaced by Streamlit is found again)."""
    component = frame_selector.split('"')[1]
    slider = page.frame_locator(frame_selector).get_by_role("slider", name=name)

    def probed():
        page.locator(frame_selector).wait_for()
        frame = next(f for f in page.frames if "/component/" in f.url and component in f.url)
        frame.wait_for_function("() => document.body.getAttribute('data-shown')")
        frame.evaluate(PROBE, slider_id)
        return frame

    frame, out, key = probed(), [], "ArrowRight"
    while len(out) < n:
        value = float(slider.input_value())
        key = "ArrowLeft" if value >= high else "ArrowRight" if value <= low else key
        try:
            seen = frame.evaluate("() => window.__lat.length")
            slider.press(key)
            frame.wait_for_function(f"() => window.__lat.length > {seen}", timeout=60_000)
            out.append(frame.evaluate(f"() => window.__lat[{seen}]"))
        except PlaywrightError:  # the frame was replaced: measure that press again
            frame = probed()
        page.wait_for_timeout(random.uniform(500, 900))
    return out


def threshold_presses(page, n: int) -> list[float]:
    """The Audit threshold, ``n`` presses between 0.15 and 0.85."""
    return component_presses(page, FRAME, "fd-threshold", re.compile("^Decision"), 0.15,
                             0.85, n)


def strength_presses(page, n: int) -> list[float]:
    """The Mitigate strength, ``n`` presses between 0.6 and 0.99."""
    return component_presses(page, STRENGTH_FRAME, "fd-strength", STRENGTH, 0.6, 0.99, n)


def choose_barycenter(page, runs) -> None:
    go(page, runs, "Mitigate")
    box = page.get_by_role("combobox", name="Method")
    box.click()
    before = len(runs.finished)
    page.get_by_role("option", name="Wasserstein barycenter").click()
    runs.wait(page, before)
    page.frame_locator(STRENGTH_FRAME).get_by_role("slider", name=STRENGTH).wait_for(
        timeout=300_000)


def measure_session(page, runs, label: str, presses: int, results: dict) -> None:
    go(page, runs, "Audit")
    name = f"Audit threshold, {label}"
    results[name] = threshold_presses(page, presses)
    print(f"  {name:58s} {stats(results[name])}", flush=True)
    choose_barycenter(page, runs)
    name = f"Mitigate strength (barycenter), {label}"
    results[name] = strength_presses(page, presses)
    print(f"  {name:58s} {stats(results[name])}   load {load_average()}", flush=True)
    go(page, runs, "Audit")


def upload(page, runs, path: Path) -> None:
    go(page, runs, "Data")
    before = len(runs.finished)
    page.get_by_test_id("stRadio").get_by_text("Upload a file").click()
    runs.wait(page, before)
    before = len(runs.finished)
    page.get_by_test_id("stMain").get_by_test_id("stFileUploaderDropzoneInput") \
        .set_input_files(str(path))
    runs.wait(page, before, timeout=600)


def start_sweep() -> subprocess.Popen:
    loop = f"while true; do {' '.join(SWEEP)} > /dev/null 2>&1; done"
    return subprocess.Popen(["bash", "-c", loop], cwd=ROOT, start_new_session=True)


def stop_sweep(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)  # the loop we started, in its own process group
    proc.wait(10)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--presses", type=int, default=30)
    ap.add_argument("--rows", type=int, default=1_000_000, help="uploaded table (0: skip)")
    ap.add_argument("--no-sweep", action="store_true", help="skip the background sweep")
    args = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = Path(tempfile.gettempdir()) / "bench_ui_server.log"
    print(f"load average at start: {load_average()}", flush=True)
    t0 = time.perf_counter()
    server = start_server(port, log, watch=False)
    healthy = time.perf_counter() - t0
    rss = {"server started": tree_rss(server.pid)}
    results, sweep = {}, None
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            runs = Runs(page)
            page.goto(f"http://127.0.0.1:{port}/audit")
            # the main area's: app.py's placeholder in the sidebar is drawn first (issue 16)
            page.locator('[data-testid="stMain"] [data-testid="stPlotlyChart"] .main-svg') \
                .first.wait_for(timeout=300_000)
            first_chart = time.perf_counter() - t0
            page.frame_locator(FRAME).locator(".js-plotly-plot .main-svg").first.wait_for(
                timeout=300_000)
            audit_drawn = time.perf_counter() - t0
            print(f"cold start: server healthy {healthy:.1f} s, first chart {first_chart:.1f} s,"
                  f" Audit drawn {audit_drawn:.1f} s", flush=True)
            page.locator(IDLE).wait_for(state="attached", timeout=300_000)
            measure_session(page, runs, "Adult, idle", args.presses, results)
            rss["after an Adult session"] = tree_rss(server.pid)
            if not args.no_sweep:
                sweep = start_sweep()
                time.sleep(5)
                measure_session(page, runs, "Adult, sweep running", args.presses, results)
                stop_sweep(sweep)
                sweep = None
            if args.rows:
                from fairdash.data import make_synthetic

                path = Path(tempfile.gettempdir()) / f"bench_ui_{args.rows}.parquet"
                if not path.exists():
                    make_synthetic(args.rows).to_parquet(path)
                second = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
                runs2 = Runs(second)
                second.goto(f"http://127.0.0.1:{port}/")
                second.locator(IDLE).wait_for(state="attached", timeout=300_000)
                upload(second, runs2, path)
                go(second, runs2, "Audit")
                second.frame_locator(FRAME).locator(".js-plotly-plot").first.wait_for(
                    timeout=600_000)
                rss[f"after a {args.rows:,}-row upload session"] = tree_rss(server.pid)
                label = f"{args.rows:,}-row upload"
                measure_session(second, runs2, f"{label}, idle", args.presses, results)
                if not args.no_sweep:
                    sweep = start_sweep()
                    time.sleep(5)
                    measure_session(second, runs2, f"{label}, sweep running", args.presses,
                                    results)
            browser.close()
    finally:
        if sweep is not None:
            stop_sweep(sweep)
        stop_server(server)
    print(f"\nslider latency, key press to updated chart ({args.presses} presses each):")
    for name, values in results.items():
        print(f"  {name:58s} {stats(values)}")
    print("\nserver resident memory (process tree):")
    base = rss["server started"] or 0
    for name, value in rss.items():
        delta = f" (+{(value - base) / 2**20:,.0f} MB)" if value and name != "server started" \
            else ""
        print(f"  {name:40s} {value / 2**20 if value else float('nan'):8,.0f} MB{delta}")
    print(f"load average at end: {load_average()}")


if __name__ == "__main__":
    main()
