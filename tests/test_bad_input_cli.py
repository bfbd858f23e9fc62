"""Issue 11's bad-input matrix, command-line half: every bad file of ``hostile_inputs`` given to
``python -m fairdash audit --data`` exits with status 2 and one sentence containing the words
that say what is wrong, with no traceback (the app half: ``tests/app/test_bad_input_app.py``)."""

import pytest
from cli_runner import run_cli
from hostile_inputs import TABLE_CASES, TRACEBACK_MARKS


@pytest.mark.parametrize("case", TABLE_CASES, ids=[c.id for c in TABLE_CASES])
def test_a_bad_file_is_refused_in_one_sentence(case, tmp_path):
    path = tmp_path / case.filename
    path.write_bytes(case.data)
    run = run_cli(["audit", "--data", path, *case.args, "--resamples", "20"])
    assert run.returncode == 2, (run.stdout, run.stderr)
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, run.stderr
    for words in case.words:
        assert words.lower() in errors[0].lower(), errors[0]
    assert not any(mark in run.stderr + run.stdout for mark in TRACEBACK_MARKS), run.stderr
    assert run.stdout == ""
