"""Issue 11: out-of-range command-line arguments are refused with exit status 2 and one
sentence naming the argument, the value and the valid range, on every subcommand that takes
the argument; the valid boundary values still run.

The CLI runs in-process (``fairdash.cli.main``): every refusal comes before any data is read or
model trained, so the module takes seconds.
"""

import json

import pytest
from cli_runner import assert_refused, run_cli

from fairdash.cli_checks import MAX_SEED

GERMAN = ["--sample", "german", "--resamples", "20"]
SCORES = ["--sample", "compas", "--score-column", "decile_score", "--rescale-scores",
          "--resamples", "20"]
#: The minimal arguments of each subcommand that takes the data options.
COMMANDS = {
    "audit": ["audit"],
    "mitigate": ["mitigate", "--method", "thresholds_dp", "--strength", "1"],
    "tradeoff": ["tradeoff", "--methods", "thresholds_dp", "--points", "2"],
    "compare": ["compare", "--new", "thresholds_dp@1"],
    "slices": ["slices"],
    "bounty": ["bounty"],
}


def _bad_cases():
    every = list(COMMANDS)
    bad = [("--threshold", v, every) for v in ("2", "-1", "nan", "inf", "-inf", "1.0001")]
    bad += [("--resamples", v, every) for v in ("0", "-3")]
    bad += [("--seed", v, every) for v in ("-1", str(MAX_SEED + 1))]
    bad += [("--min-group-size", v, every) for v in ("0", "-5")]
    bad += [("--flipped-rows", "-1", ["compare"]), ("--jobs", "0", ["tradeoff"]),
            ("--jobs", "-2", ["tradeoff"])]
    bad += [("--methods", v, ["tradeoff"]) for v in ("", " , ")]
    for command in every:
        yield from ((command, flag, value) for flag, value, commands in bad
                    if command in commands)


# ``--flag=value``: argparse would read a lone "-inf" as an option.
CASES = [pytest.param(COMMANDS[c] + GERMAN + [f"{flag}={value}"], flag, id=f"{c}{flag}={value!r}")
         for c, flag, value in _bad_cases()]
for c, args in COMMANDS.items():
    # vs_reference without --reference: the option name of each subcommand
    flag = "--gap-method" if c in ("mitigate", "tradeoff") else "--method"
    CASES.append(pytest.param(args + GERMAN + [flag, "vs_reference"],
                              f"{flag} vs_reference", id=f"{c}{flag}=vs_reference"))
    CASES.append(pytest.param(args + GERMAN + ["--sensitive", "age_ge_25,age_ge_25"],
                              "--sensitive", id=f"{c}--sensitive=twice"))
    if c != "bounty":  # the bounty refuses any score column (it patches a built-in model)
        CASES.append(pytest.param(args + ["--sample", "german", "--score-column",
                                          "good_credit"],
                                  "--score-column", id=f"{c}--score-column=target"))


@pytest.mark.parametrize("argv, flag", CASES)
def test_refused(argv, flag):
    run = run_cli(argv)
    assert_refused(run, flag)
    assert 'File "' not in run.stderr
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    if argv[-1].startswith(flag + "="):  # the value given is named (as Python prints it)
        value = argv[-1].split("=", 1)[1].strip()
        assert value.lstrip("-").lower()[:3] in lines[0].lower(), lines[0]


def test_refusal_sentences():
    """The exact sentences: argument, value and valid range."""
    def err(*argv):
        return run_cli(["audit", *GERMAN, *argv]).stderr.strip()

    assert err("--threshold", "2") == "error: --threshold must be a number in [0, 1]; got 2.0."
    assert err("--resamples", "0") == ("error: --resamples must be a whole number of at "
                                       "least 1; got 0.")
    assert err("--seed", "-1") == (f"error: --seed must be a whole number in [0, {MAX_SEED}]; "
                                   "got -1.")
    assert err("--method", "vs_reference") == (
        "error: --method vs_reference needs --reference, the group every other group is "
        "compared with; got none.")


VALID = {
    "threshold_0": ["audit", *SCORES, "--threshold", "0"],
    "threshold_1": ["audit", *SCORES, "--threshold", "1"],
    "resamples_1": ["audit", *SCORES, "--resamples", "1"],
    "seed_0": ["audit", *SCORES, "--seed", "0"],
    "seed_max": ["audit", *GERMAN, "--seed", str(MAX_SEED)],
    "min_group_size_1": ["audit", *SCORES, "--min-group-size", "1"],
    "vs_reference": ["audit", *SCORES, "--method", "vs_reference", "--reference", "Caucasian"],
    "two_sensitive": ["audit", *SCORES, "--sensitive", "sex,race_binary"],
    "flipped_rows_0": ["compare", *SCORES, "--new", "thresholds_dp@1", "--flipped-rows", "0"],
    "jobs_1_methods": ["tradeoff", *SCORES, "--methods", "thresholds_dp,", "--points", "2",
                       "--jobs", "1"],
}


@pytest.mark.parametrize("argv", VALID.values(), ids=VALID.keys())
def test_boundary_values_still_work(argv):
    run = run_cli(argv)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    out = json.loads(run.stdout)
    if "--flipped-rows" in argv:
        assert out["flipped"] == []
