"""Start several ``python -m fairdash`` commands at once and collect them (tests only)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_commands(commands: dict, timeout: float = 600) -> dict:
    """Run every ``name -> argument list`` as its own process, all at the same time.

    Returns ``name -> subprocess.CompletedProcess``; processes still running after
    ``timeout`` seconds are killed (and the error is raised).
    """
    procs = {name: (args, subprocess.Popen(
        [sys.executable, "-m", "fairdash", *args], cwd=ROOT, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)) for name, args in commands.items()}
    done = {}
    try:
        for name, (args, proc) in procs.items():
            out, err = proc.communicate(timeout=timeout)
            done[name] = subprocess.CompletedProcess(args, proc.returncode, out, err)
    finally:
        for _, proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return done


def assert_refused(run: subprocess.CompletedProcess, words: str) -> None:
    """The command failed the way bad input should: exit status 2 and one sentence on
    stderr containing ``words``, no traceback."""
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert words in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
