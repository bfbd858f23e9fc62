"""Issue 16, cold start: what a session's first run imports and sends before the work.

* The Home screen's whole first run (app.py, the sidebar, the journey, the default data) does
  not import scikit-learn, SciPy, POT, skops or fairlearn: they are imported when a screen
  trains, audits with them or mitigates (checked in a fresh interpreter, in ``sys.modules``).
* The Audit screen draws its group sizes from the data before the model is trained (equal to
  the audit's), and takes them back when the model fails.
* A screen with charts opened directly gets app.py's chart placeholder in its first run
  (the browser then loads its chart code while the server works); Home and later runs do not.

No timing here: bench/bench_startup.py measures it.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sklearn", "scipy", "ot", "skops", "fairlearn")

FIRST_RUN = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("app.py", default_timeout=120)
at.run()
print(json.dumps({"errors": [e.message for e in at.exception] + [e.value for e in at.error],
                  "title": [t.value for t in at.title],
                  "heavy": sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[1:]))}))
"""


def test_home_first_run_imports_no_heavy_library():
    out = subprocess.run([sys.executable, "-c", FIRST_RUN, *HEAVY], cwd=ROOT,
                         capture_output=True, text=True, check=True, timeout=300)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert found["errors"] == []
    assert found["title"] == ["FairDash"]
    assert found["heavy"] == []


def test_registry_and_model_names_do_not_import_scikit_learn():
    code = ("import sys\n"
            "from fairdash.mitigation import REGISTRY, get_method, explain_knob\n"
            "from fairdash.models import builtin_models, default_learner\n"
            "from fairdash.ui import link, sharing, shell, state\n"
            "from fairdash.ui.screens import home\n"
            "assert REGISTRY and builtin_models() and default_learner()\n"
            f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r}))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=120)
    assert out.stdout.strip() == "[]"


def test_lazy_names_still_import():
    from fairdash import mitigation, models

    for module in (mitigation, models):
        for name in module.__all__:
            assert getattr(module, name) is not None, (module.__name__, name)
        assert set(module.__all__) <= set(dir(module))


def _primers(at) -> list:
    return [c for c in at.get("plotly_chart") if "fig_primer" in c.proto.id]


def test_chart_placeholder_only_in_the_first_run_of_a_chart_screen(monkeypatch):
    monkeypatch.setenv("FAIRDASH_RAISE_ERRORS", "1")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.switch_page("app_pages/audit.py").run()
    assert not at.exception
    assert len(_primers(at)) == 1
    assert len(at.sidebar.get("plotly_chart")) == 1  # in the sidebar
    at.run()  # a rerun of the same session: the browser has the chart code by now
    assert not at.exception
    assert _primers(at) == []

    home = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    home.run()
    assert not home.exception
    assert _primers(home) == []


@pytest.mark.parametrize("sample, roles", [
    ("adult", None),
    ("compas", {"sensitive": ("race",), "score_column": "decile_score"}),
])
def test_group_sizes_from_the_data_equal_the_audits(sample, roles):
    from dataclasses import replace

    from fairdash import metrics
    from fairdash.data import build_dataset, load_sample, sample_roles
    from fairdash.ui.screens.audit import group_sizes

    r = sample_roles(sample) if roles is None else replace(sample_roles(sample), **roles)
    ds = build_dataset(load_sample(sample), r, rescale_scores=roles is not None)
    mask = ds.rows(ds.audited_split())
    scores = ds.scores if ds.scores is not None else np.linspace(0, 1, len(ds.y))
    labels = np.asarray(ds.group_labels, dtype=object)[ds.group_codes[mask]]
    audited = metrics.audit(ds.y[mask], y_score=scores[mask], sensitive_features=labels,
                            min_group_size=100, n_resamples=10).groups
    mine = group_sizes(ds, 100)
    columns = ["n", "positives", "negatives", "small"]
    pd.testing.assert_frame_equal(mine[columns], audited.loc[mine.index, columns],
                                  check_names=False, check_index_type=False)


def test_audit_draws_the_group_sizes_before_the_model_and_takes_them_back_if_it_fails(
        monkeypatch):
    from fairdash.ui import shared

    monkeypatch.setenv("FAIRDASH_RAISE_ERRORS", "1")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.switch_page("app_pages/audit.py").run()
    assert not at.exception
    sizes = [c for c in at.main.get("plotly_chart") if "fig_sizes" in c.proto.id]
    assert len(sizes) == 1
    assert "Group sizes in the audited rows" in sizes[0].proto.spec

    def fails(progress=None):
        from fairdash.exceptions import ModelError

        raise ModelError("This model cannot be trained here.")

    monkeypatch.setattr(shared, "active_scores", fails)
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["This model cannot be trained here."]
    assert at.main.get("plotly_chart") == [] and at.number_input == []
