"""Issue 16, cold start: app.py sends a chart screen's placeholder before the data layer.

The browser loads Streamlit's plotly code (about 1 s on a 2-core machine) only once a first
chart arrives; app.py's invisible placeholder makes it start while the server works. It is sent
before pandas, numpy, pyarrow and the data layer are imported (``shell`` and ``state`` import
them on first use), checked in a fresh interpreter at the moment the placeholder is drawn;
and app.py lowers the GIL switch interval, so that queued elements leave while a run computes.

No timing here: bench/bench_startup.py measures it.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_LAYER = ("pandas", "numpy", "pyarrow", "fairdash.data", "fairdash.ui.shared",
              "fairdash.ui.workspace", "fairdash.ui.sharing")

AT_PRIMER = """
import json, sys
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

seen, draw = [], DeltaGenerator.plotly_chart

def plotly_chart(self, *args, **kwargs):
    if kwargs.get("key") == "fig_primer":
        seen.append(sorted(m for m in sys.argv[2:] if m in sys.modules))
    return draw(self, *args, **kwargs)

DeltaGenerator.plotly_chart = plotly_chart
at = AppTest.from_file("app.py", default_timeout=300)
at.switch_page(sys.argv[1]).run()
print(json.dumps({"errors": [e.message for e in at.exception], "seen": seen,
                  "switch": sys.getswitchinterval(),
                  "after": sorted(m for m in sys.argv[2:] if m in sys.modules)}))
"""


def test_the_placeholder_is_sent_before_the_data_layer_is_imported():
    out = subprocess.run([sys.executable, "-c", AT_PRIMER, "app_pages/audit.py", *DATA_LAYER],
                         cwd=ROOT, capture_output=True, text=True, check=True, timeout=300)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert found["errors"] == []
    assert found["seen"] == [[]]  # one placeholder, and nothing of the data layer before it
    assert "pandas" in found["after"]  # the screen itself then needed it
    assert found["switch"] <= 0.001  # the event loop sends queued elements while a run computes


def test_shell_state_and_the_new_session_check_import_no_data_layer():
    code = ("import sys\n"
            "import streamlit\n"
            "from fairdash.ui import shell, state\n"
            "assert callable(state.new_session) and shell.pages\n"
            f"print(sorted(m for m in {DATA_LAYER!r} if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=120)
    assert out.stdout.strip() == "[]"


def test_state_still_gives_the_workspace_names():
    from fairdash.ui import state, workspace

    for name in state.REEXPORTED:
        assert getattr(state, name) is getattr(workspace, name), name
    try:
        state.no_such_name  # noqa: B018
    except AttributeError:
        pass
    else:
        raise AssertionError("state.no_such_name did not raise AttributeError")
