"""Issue 16, cold start: what a session's first run imports and sends before the work.

* The Home screen's whole first run (app.py, the sidebar, the journey, the default data) does
  not import scikit-learn, SciPy, POT, skops or fairlearn: they are imported when a screen
  trains, audits with them or mitigates (checked in a fresh interpreter, in ``sys.modules``).
* A screen with charts opened directly gets app.py's chart placeholder in its first run
  (the browser then loads its chart code while the server works); Home and later runs do not.

No timing here: bench/bench_startup.py measures it.
"""

import json
import subprocess
import sys
from pathlib import Path

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
