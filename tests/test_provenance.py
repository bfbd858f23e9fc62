"""The provenance block: what it records, that its command recomputes the same numbers, and
that every JSON the command line writes carries it."""

import json
import shlex

import pytest
from cli_runner import run_cli

from fairdash.data import build_dataset, load_sample, sample_roles, table_fingerprint
from fairdash.models import make_model
from fairdash.provenance import cli_command, model_params, provenance, versions

GERMAN = ["--sample", "german", "--resamples", "20"]


@pytest.fixture(scope="module")
def german():
    return build_dataset(load_sample("german"), sample_roles("german"), random_state=3)


def test_the_block_records_data_roles_split_model_and_versions(german):
    params = model_params(make_model("logreg", german.X))
    block = provenance(german, source="sample:german", model="logreg", model_params=params,
                       threshold=0.4, seed=3, command="python -m fairdash audit")
    data = block["data"]
    assert data["fingerprint"] == table_fingerprint(load_sample("german"))
    assert data["rows"] == 1000 and data["target"] == german.roles.target
    assert data["sensitive"] == list(german.roles.sensitive) and data["seed"] == 3
    assert sum(data["split"].values()) == 1000 and data["split"]["test"] == int(
        german.rows("test").sum())
    assert block["model"] == {"name": "logreg", "params": params}
    assert params["estimator"] == "LogisticRegression" and "C" in params
    assert block["threshold"] == 0.4 and block["versions"] == versions()
    assert versions()["fairdash"] and versions()["scikit-learn"]
    json.dumps(block)  # JSON-able as it is


def test_the_quoted_command_recomputes_the_same_audit():
    roles = sample_roles("german")
    command = cli_command("sample:german", roles, model="logreg", threshold=0.4, seed=0,
                          extra=("--resamples", "20"))
    argv = shlex.split(command)[3:]
    assert argv[0] == "audit"
    mine = json.loads(run_cli(argv).stdout)
    plain = json.loads(run_cli(["audit", *GERMAN, "--threshold", "0.4"]).stdout)
    assert mine["gaps"] == plain["gaps"] and mine["groups"] == plain["groups"]


@pytest.mark.parametrize("argv", [
    ["audit", *GERMAN],
    ["mitigate", *GERMAN, "--method", "thresholds_dp", "--strength", "1"],
    ["tradeoff", *GERMAN, "--methods", "thresholds_dp", "--points", "2"],
    ["compare", *GERMAN, "--new", "thresholds_dp@1"]])
def test_every_json_carries_the_block_with_its_own_command(argv):
    run = run_cli(argv)
    assert run.returncode == 0, run.stderr
    block = json.loads(run.stdout)["provenance"]
    assert block["command"] == shlex.join(["python", "-m", "fairdash", *argv])
    assert block["data"]["source"] == "sample:german" and block["model"]["name"] == "logreg"
