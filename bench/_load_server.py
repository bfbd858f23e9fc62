"""Bookkeeping and server control for ``load_sessions.py``: latency statistics, the server's
memory and CPU from /proc, and starting/stopping ``streamlit run app.py`` (optionally from a
snapshot of a git revision)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------------------------
# bookkeeping
# --------------------------------------------------------------------------------------------

class Stats:
    def __init__(self):
        self.errors: list[tuple[float, str, str]] = []
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.t0 = time.perf_counter()

    def error(self, session: str, text: str) -> None:
        self.errors.append((time.perf_counter() - self.t0, session, text))

    def add(self, kind: str, seconds: float) -> None:
        self.latency[kind].append(seconds)

    def reruns(self) -> int:
        return sum(len(v) for v in self.latency.values())


def pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def ms(x):
    return f"{x * 1e3:8.0f}"


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time (s) used so far by ``pid`` (its threads, not its children)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def tree_rss(pid: int) -> int | None:
    """Resident memory (bytes) of ``pid`` and all its descendants, from /proc."""
    children = defaultdict(list)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
                children[ppid].append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            if p == pid:
                return None
        todo.extend(children.get(p, ()))
    return total or None   # a zombie (exited, not yet reaped) has no VmRSS


# --------------------------------------------------------------------------------------------
# the server
# --------------------------------------------------------------------------------------------

def snapshot(rev: str) -> tuple[Path, str]:
    """The committed tree at ``rev`` in a temporary directory (``git archive``), so that edits
    to the shared checkout during a run cannot change or break the server under test."""
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", rev],
                         capture_output=True, text=True, check=True).stdout.strip()
    where = Path(tempfile.mkdtemp(prefix="fairdash-load-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", sha],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    print(f"serving the committed tree {rev} ({sha}) from {where}", flush=True)
    return where, sha


def start_server(port: int, log_path: Path, watch: bool, cwd: Path = ROOT, env: dict | None = None,
                 poll: float = 0.5) -> subprocess.Popen:
    """``streamlit run app.py`` in ``cwd`` (environment ``env``), once its health check answers
    (asked every ``poll`` seconds)."""
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
           "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    if not watch:  # no module reloads when files in the checkout change during the run
        cmd += ["--server.fileWatcherType", "none"]
    print("starting:", " ".join(cmd[1:]), f"(log: {log_path})", flush=True)
    log = open(log_path, "w")
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env=env)
    deadline = time.time() + 90
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return proc
        except OSError:
            time.sleep(poll)
    proc.terminate()
    raise SystemExit(f"the server did not answer on port {port} within 90 s; see {log_path}")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
