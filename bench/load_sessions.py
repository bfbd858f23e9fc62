"""Load test of the dashboard: N concurrent browser sessions over Streamlit's websocket.

Each session connects to ``/_stcore/stream`` the way a browser does (protocol notes in
``_load_client.py``), then for ``--seconds`` walks the pages Home, Data, Model, Audit, Mitigate,
Tradeoffs, Compare in turn and, on every visit to Audit, moves the threshold slider
``--moves`` times (a fragment rerun each), pausing ``--think`` seconds (jittered) between
actions. It prints the errors seen, rerun latency (BackMsg sent -> script_finished received;
p50/p95/max, overall and per action), the reruns done, and the server's resident memory
sampled every ``--sample-every`` seconds (the server process and its children, from
/proc/PID/status).

By default it starts its own server, ``streamlit run app.py --server.port P --server.headless
true``, and stops it at the end; ``--url`` points it at a running one instead (give ``--pid``
to sample that server's memory). ``--rows N`` first makes every session generate a synthetic
table of N rows on the Data screen (Synthetic data -> Rows -> Generate), which then stays that
session's table; the timed part starts once a session's table and model are ready.

    python bench/load_sessions.py --sessions 20 --seconds 120
    python bench/load_sessions.py --sessions 1 --seconds 20 --sanity
    python bench/load_sessions.py --sessions 2 --seconds 60 --rows 1000000

A bench script, not a test: it measures, it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import websockets
from _load_client import THRESHOLD_LABEL, RerunTimeout, Session
from _load_server import Stats, cpu_seconds, ms, pct, snapshot, start_server, stop_server, tree_rss

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("Home", "Data", "Model", "Audit", "Mitigate", "Tradeoffs", "Compare")


# --------------------------------------------------------------------------------------------
# one session's script
# --------------------------------------------------------------------------------------------

async def timed(session: Session, stats: Stats, kind: str, **kw) -> float | None:
    try:
        dt = await session.rerun(**kw)
    except RerunTimeout as exc:
        stats.error(session.name, f"timeout ({kind}): {exc}")
        return None
    stats.add(kind, dt)
    page = kw.get("page")
    if page and session.page_hash != session.pages.get(page):
        stats.error(session.name, f"navigation: asked for {page}, the run was on another page")
    return dt


async def setup_synthetic(session: Session, stats: Stats, rows: int, timeout: float) -> None:
    """Data screen: Synthetic data, Rows = ``rows``, Generate; then wait for the model."""
    await session.rerun(page="Data", timeout=timeout)
    radio = session.widget("Data source")
    if radio is None:
        raise RuntimeError("no 'Data source' radio on the Data screen")
    states = [(radio[0], "string_value", "Synthetic data")]
    await session.rerun(page="Data", widget_states=states, timeout=timeout)
    rows_w, go = session.widget("Rows"), session.widget("Generate")
    if rows_w is None or go is None:
        raise RuntimeError("no synthetic Rows / Generate widgets on the Data screen")
    states += [(rows_w[0], "double_value", float(rows)), (go[0], "trigger_value", True)]
    t0 = time.perf_counter()
    await session.rerun(page="Data", widget_states=states, timeout=timeout)
    shown = [t for t in session.texts if "rows" in t and "Synthetic" in t or "rows ×" in t]
    print(f"  {session.name}: generated in {time.perf_counter() - t0:.1f} s: "
          f"{shown[0][:90] if shown else '(no row count shown)'}", flush=True)
    t0 = time.perf_counter()
    await session.rerun(page="Audit", timeout=timeout)   # trains the model on first use
    print(f"  {session.name}: first Audit (model) in {time.perf_counter() - t0:.1f} s",
          flush=True)


async def run_session(i: int, args, stats: Stats, start_at: float, sanity: list) -> None:
    """One simulated user. A lost connection is counted once and the user comes back in a new
    session (as a browser reload would), up to three times."""
    name = f"s{i:02d}"
    rng = random.Random(args.seed + i)
    await asyncio.sleep(max(0.0, start_at - time.perf_counter()))
    deadline, attempts = None, 0
    while True:
        session = Session(args.url, name, stats, args.timeout)
        try:
            await session.connect()
            await timed(session, stats, "first load", page=None)
            if not session.pages:
                stats.error(name, "no navigation message: page list unknown")
                return
            if args.rows:
                await setup_synthetic(session, stats, args.rows, args.setup_timeout)
            if deadline is None:
                deadline = time.perf_counter() + args.seconds
            await act(session, args, stats, rng, deadline, sanity)
            return
        except (ConnectionError, OSError, websockets.WebSocketException) as exc:
            if not session.lost:
                stats.error(name, f"connection: {type(exc).__name__}: {exc}")
        except RerunTimeout as exc:
            stats.error(name, f"timeout (setup): {exc}")
            return
        except RuntimeError as exc:
            stats.error(name, f"script: {exc}")
            return
        finally:
            await session.close()
        attempts += 1
        if attempts > 3 or (deadline is not None and time.perf_counter() >= deadline):
            return
        await asyncio.sleep(1.0)


async def act(session: Session, args, stats: Stats, rng, deadline: float, sanity: list):
    """Walk the pages until ``deadline``; on Audit, move the threshold slider."""
    step = rng.randrange(len(PAGES))
    while time.perf_counter() < deadline:
        page = PAGES[step % len(PAGES)]
        step += 1
        await asyncio.sleep(args.think * rng.uniform(0.5, 1.5))
        dt = await timed(session, stats, f"page {page}", page=page)
        if dt is None or page != "Audit":
            continue
        for _ in range(args.moves):
            if time.perf_counter() >= deadline:
                break
            slider = session.widget(THRESHOLD_LABEL)
            if slider is None:
                stats.error(session.name, "no threshold slider on the Audit screen")
                break
            wid, fragment, _ = slider
            value = round(rng.uniform(0.05, 0.95), 2)
            await asyncio.sleep(args.think * rng.uniform(0.5, 1.5))
            # the threshold component reports a value when the slider is let go (the
            # steps before it never reach the server); a Streamlit slider sends every step
            released = json.dumps({"threshold": value, "id": f"{value}-{rng.random()}"})
            state = (wid, "json_value", released) \
                if slider[2].DESCRIPTOR.name == "ComponentInstance" \
                else (wid, "double_array_value", [value])
            dt = await timed(session, stats, "slider (fragment)", widget_states=[state],
                             fragment_id=fragment)
            if dt is not None and args.sanity:
                digest = hashlib.sha1("\n".join(session.texts).encode()).hexdigest()[:10]
                line = next((t for t in session.texts if "parity" in t and "%" in t),
                            next((t for t in session.texts if "%" in t), ""))
                sanity.append((value, digest, len(session.texts), line, dt))


def snap(pid: int | None, stats: Stats, marker: int | None = None) -> tuple:
    """(t, RSS, reruns so far, errors so far or a negative marker, server CPU seconds, the
    machine's 1-minute load average)."""
    return (time.perf_counter() - stats.t0, tree_rss(pid) if pid else None, stats.reruns(),
            len(stats.errors) if marker is None else marker, cpu_seconds(pid) if pid else None,
            os.getloadavg()[0])


async def sample_rss(pid: int | None, stats: Stats, every: float, samples: list, stop):
    while True:
        samples.append(snap(pid, stats))
        try:
            await asyncio.wait_for(stop.wait(), every)
            samples.append(snap(pid, stats))
            return
        except TimeoutError:
            pass


async def main_async(args, pid) -> tuple[Stats, list, list]:
    stats, samples, sanity = Stats(), [], []
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_rss(pid, stats, args.sample_every, samples, stop))
    t0 = time.perf_counter()
    # stagger the connections over --ramp seconds, as users do not all arrive at once
    tasks = [run_session(i, args, stats, t0 + args.ramp * i / max(1, args.sessions), sanity)
             for i in range(args.sessions)]
    await asyncio.gather(*tasks)
    if args.linger:
        samples.append(snap(pid, stats, -1))   # -1 marks: every session has disconnected
        await asyncio.sleep(args.linger)
        # Streamlit keeps a disconnected session for server.disconnectedSessionTTL (120 s)
        # and evicts expired ones only when its session storage is touched: one short probe
        # session (connect, first load, close) does that, then RSS is read once more.
        probe = Session(args.url, "probe", stats, args.timeout)
        try:
            await probe.connect()
            await probe.rerun(page=None)
        except (ConnectionError, OSError, RerunTimeout, websockets.WebSocketException) as exc:
            stats.error("probe", f"probe: {exc}")
        finally:
            await probe.close()
        await asyncio.sleep(3)
        samples.append(snap(pid, stats, -2))   # -2 marks: after the probe session
    stop.set()
    await sampler
    return stats, samples, sanity


# --------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------

def report(args, stats: Stats, samples, sanity, wall: float) -> None:
    mb = lambda b: "n/a" if b is None else f"{b / 2**20:,.0f} MB"
    print()
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain",
                                "--untracked-files=no"],
                               capture_output=True, text=True).stdout.count("\n")
        code = f"code at {head} + {dirty} modified file(s) in the checkout"
        if args.snapshot:
            code = f"code: the committed tree {args.snapshot}"
    except OSError:
        code = "code version unknown"
    print(f"== {args.sessions} session(s) x {args.seconds:.0f} s, think {args.think} s, "
          f"{args.moves} slider moves per Audit visit"
          + (f", synthetic {args.rows:,} rows" if args.rows else ", default data (Adult)")
          + f"; wall {wall:.0f} s, {os.cpu_count()} CPU(s); {code}")
    everything = [x for k, v in stats.latency.items() if k != "first load" for x in v]
    print(f"reruns done: {len(everything)} (+ {len(stats.latency.get('first load', []))} first "
          f"loads), {len(everything) / max(args.seconds, 1e-9):.1f}/s")
    print(f"errors: {len(stats.errors)}")
    kinds = defaultdict(int)
    for _, _, text in stats.errors:
        kinds[text.split(":")[0]] += 1
    for kind, n in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print(f"  {n:5d} x {kind}")
    for t, who, text in stats.errors[:args.show_errors]:
        print(f"  [{t:6.1f} s {who}] {text}")
    print(f"\nrerun latency (ms)  {'n':>6} {'p50':>8} {'p95':>8} {'max':>8}")
    rows = [("ALL (excl. first load)", everything)]
    rows += [(k, stats.latency[k]) for k in
             ["first load", "slider (fragment)"] + [f"page {p}" for p in PAGES]
             if stats.latency.get(k)]
    for label, v in rows:
        print(f"  {label:<22} {len(v):>6} {ms(pct(v, .5))} {ms(pct(v, .95))} "
              f"{ms(max(v, default=float('nan')))}")
    if samples and samples[0][1] is not None:
        print("\nserver RSS (process tree)")
        print(f"  {'t (s)':>7} {'RSS':>9} {'CPU':>6} {'load':>5} {'reruns':>7} {'errors':>6}   "
              "(CPU: server cores used since the previous row; load: the machine's 1-min "
              "load average, other processes included)")
        keep = samples if len(samples) <= 30 else sorted(
            {round(j * (len(samples) - 1) / 29) for j in range(30)}
            | {i for i, s in enumerate(samples) if s[3] < 0})
        keep = keep if keep is samples else [samples[i] for i in keep]
        prev = None
        for t, rss, n, e, cpu, load in keep:
            note = {-1: "  (all sessions closed)", -2: "  (after the probe session)"}
            cores = ("" if prev is None or cpu is None or t <= prev[0]
                     else f"{(cpu - prev[1]) / (t - prev[0]):.2f}")
            prev = (t, cpu)
            print(f"  {t:7.1f} {mb(rss):>9} {cores:>6} {load:5.1f} {n:7d} "
                  + note.get(e, f"{e:6d}"))
        values = [s[1] for s in samples if s[1] is not None]
        closed = next((i for i, s in enumerate(samples) if s[3] < 0), None)
        warm = next((s[1] for s in samples if s[2] >= args.sessions and s[1] is not None),
                    values[-1])
        print(f"RSS start {mb(values[0])} (idle server), after the first loads {mb(warm)}, "
              f"max {mb(max(values))}, final {mb(values[-1])}"
              + ("" if closed is None else f" ({args.linger:.0f} s after the last session closed;"
                 f" {mb(samples[closed][1])} when it closed)"))
        probed = [s[1] for s in samples if s[3] == -2]
        if probed:
            print(f"RSS after the disconnected sessions' TTL and one probe session: "
                  f"{mb(probed[-1])}")
    else:
        print("\nserver RSS: not sampled (give --pid with --url)")
    if args.sanity:
        print("\nsanity (slider moves on Audit): threshold sent -> digest of the text the "
              "fragment rerun drew, its demographic parity sentence")
        for value, digest, n, line, dt in sanity[:12]:
            print(f"  {value:.2f} -> {digest} ({n:2d} texts, {dt * 1e3:4.0f} ms) {line[:110]!r}")
        values = {s[0] for s in sanity}
        digests = {s[1] for s in sanity if s[2]}
        lines = {s[3] for s in sanity if s[3]}
        print(f"SANITY: {len(sanity)} slider reruns, {len(values)} distinct thresholds -> "
              f"{len(digests)} distinct text digests, {len(lines)} distinct parity sentences; "
              f"{sum(1 for s in sanity if not s[2])} rerun(s) drew no text")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sessions", type=int, default=20)
    p.add_argument("--seconds", type=float, default=120.0,
                   help="how long each session acts (after its first load / setup)")
    p.add_argument("--url", help="a running server (http://host:port); default: start one")
    p.add_argument("--pid", type=int, help="with --url: the server's pid, to sample its RSS")
    p.add_argument("--port", type=int, default=8711, help="port of the server started here")
    p.add_argument("--rows", type=int, default=0,
                   help="generate a synthetic table of this many rows in every session first")
    p.add_argument("--think", type=float, default=0.5,
                   help="mean pause between actions, jittered x0.5-1.5 (s)")
    p.add_argument("--moves", type=int, default=3, help="slider moves per Audit visit")
    p.add_argument("--ramp", type=float, default=5.0, help="spread session starts over (s)")
    p.add_argument("--timeout", type=float, default=120.0, help="per rerun (s)")
    p.add_argument("--setup-timeout", type=float, default=1200.0,
                   help="per rerun while generating --rows and training (s)")
    p.add_argument("--sample-every", type=float, default=3.0, help="RSS sampling period (s)")
    p.add_argument("--linger", type=float, default=0.0,
                   help="keep sampling RSS this long after every session has disconnected, "
                        "then run one probe session and sample again (s; > 120 to see the "
                        "disconnected sessions evicted)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--snapshot", metavar="REV",
                   help="serve the committed tree at REV (e.g. HEAD) from a temporary copy "
                        "instead of the working checkout")
    p.add_argument("--watch", action="store_true",
                   help="keep Streamlit's file watcher on in the server started here (off by "
                        "default: an edit to a fairdash module during the run makes Streamlit "
                        "re-import it, and cached results of the old classes then fail to "
                        "pickle)")
    p.add_argument("--sanity", action="store_true",
                   help="print what each slider rerun drew (use with --sessions 1)")
    p.add_argument("--show-errors", type=int, default=15, help="error lines printed")
    args = p.parse_args(argv)

    proc, pid = None, args.pid
    if args.url is None:
        log_path = Path(tempfile.gettempdir()) / f"fairdash-load-{args.port}.log"
        where = ROOT
        if args.snapshot:
            where, args.snapshot = snapshot(args.snapshot)
        proc = start_server(args.port, log_path, args.watch, where)
        pid = proc.pid
        args.url = f"http://127.0.0.1:{args.port}"
    try:
        print(f"load average at the start {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPU(s) "
              "(other processes on the machine compete with the server)", flush=True)
        t0, cpu0, srv0 = time.perf_counter(), time.process_time(), cpu_seconds(pid or 0)
        stats, samples, sanity = asyncio.run(main_async(args, pid))
        wall = time.perf_counter() - t0
        report(args, stats, samples, sanity, wall)
        srv1 = cpu_seconds(pid or 0)
        server = ("n/a" if srv0 is None or srv1 is None
                  else f"{srv1 - srv0:.0f} s = {(srv1 - srv0) / wall:.2f} cores")
        print(f"load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPU(s)")
        print(f"CPU over the run: server {server}; this load client "
              f"{time.process_time() - cpu0:.1f} s = {(time.process_time() - cpu0) / wall:.2f} "
              "cores")
    finally:
        if proc is not None:
            stop_server(proc)
            if where != ROOT:
                shutil.rmtree(where, ignore_errors=True)
            logged = log_path.read_text(errors="replace")
            bad = [ln for ln in logged.splitlines() if "Traceback" in ln or " ERROR " in ln
                   or "unexpected error" in ln]
            print(f"\nserver log {log_path}: {len(bad)} error/traceback line(s)")
            for ln in bad[:10]:
                print("  " + ln[:200])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
