"""Run ``python -m fairdash`` commands: several at once in processes, or one in this process
(tests only)."""

import contextlib
import io
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


def run_cli(argv: list) -> subprocess.CompletedProcess:
    """``python -m fairdash *argv`` in this process, as a CompletedProcess."""
    from fairdash.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:  # argparse's own refusals
            code = exc.code
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())
