"""Report screen: the parts offered follow the session (mitigation, Compare pair, rules); the
file built holds the session's audit at its threshold, the reproducing command, the rules'
badges, and equals what the command line's `report` embeds for the same view."""

import shlex

from cli_runner import run_cli

from fairdash.report import read_embedded
from fairdash.ui.workspace import MitigationChoice

PAGE = "app_pages/report.py"


def _build(at):
    at.button(key="w_report_build").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    return at.session_state["w_report_mem_html"][1]


def test_without_mitigation_or_pair_the_screen_says_where_to_get_them(app, open_page):
    at = open_page(app, PAGE)
    labels = [c.label for c in at.checkbox]
    assert len(labels) == 2 and labels[0].startswith("The tradeoff chart")
    assert labels[1].startswith("Groups nobody named")
    captions = " ".join(c.value for c in at.caption)
    assert "No active mitigation" in captions and "No model update" in captions


def test_the_report_is_the_sessions_view_and_the_clis(app, open_page, tmp_path):
    at = open_page(app, PAGE)
    at.session_state["threshold"] = 0.6
    at.session_state["mitigation"] = MitigationChoice("thresholds_dp", 0.8)
    at.session_state["comparison"] = ("base", "thresholds_dp@0.8")
    at.session_state["gate"] = (("demographic_parity_difference>0.1",), False)
    at.run()
    assert len(at.checkbox) == 4
    at.checkbox(key="w_report_slices").check().run()
    html = _build(at)
    assert any("Report built in" in s.value and "MB" in s.value for s in at.success)
    mine = read_embedded(html)["fd-live"]
    # the provenance's command, run by the command line, embeds the same per-threshold counts
    line = _command(html)
    argv = shlex.split(line)[3:]
    assert argv[0] == "report" and "--mitigation" in argv and "--compare" in argv
    assert "--slices" in argv and "--tradeoff" in argv
    out = tmp_path / "cli.html"
    argv[argv.index("-o") + 1] = str(out)
    run = run_cli(argv)
    assert run.returncode == 1, run.stderr      # the rule fails on Adult, as the badge says
    theirs = read_embedded(out.read_text())["fd-live"]
    for key in ("thresholds", "labels", "n", "pos", "neg", "tp", "fp"):
        assert mine[key] == theirs[key], key
    assert "FAIL" in html and "demographic_parity_difference&gt;0.1" in html


def _command(html: str) -> str:
    """The reproducing command the report's provenance block shows."""
    import re
    from html import unescape

    found = re.search(r'<code class="cmd">(.*?)</code>', html, re.DOTALL)
    assert found, "no command in the provenance block"
    return unescape(found.group(1))
