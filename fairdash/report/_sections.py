"""The summary, audit, data, model and provenance sections (HTML strings; every user string
through :func:`esc`, every figure label escaped for plotly by the figure builders)."""

from __future__ import annotations

import numpy as np

from fairdash import metrics as fd_metrics
from fairdash import viz
from fairdash.data import outside_model_warning
from fairdash.report._live import LIVE_RATES, live_bars, live_roc
from fairdash.report._text import ci, esc, figure_json, num, p_text, pct

__all__ = ["audit_section", "data_section", "model_section", "provenance_section", "summary"]

#: the gaps the summary explains in words, in this order
SUMMARY_GAPS = ("demographic_parity_difference", "equal_opportunity_difference",
                "equalized_odds_difference")
#: per-group bar charts that follow the threshold
LIVE_BARS = ("selection_rate", "tpr")


def _dv(v) -> str:
    """A number at full precision for a ``data-value`` attribute (what the tests read)."""
    return repr(float(v))


def _thr(t: float) -> str:
    """A threshold as the control shows it: three decimals on the grid, else as given."""
    return f"{t:.3f}" if abs(t * 1000 - round(t * 1000)) < 1e-9 else repr(float(t))


#: groups the summary names one by one; the rest are counted (the detail lists them all)
SUMMARY_GROUPS = 8
#: caveats the summary quotes; the Audit section lists them all
SUMMARY_CAVEATS = 2


def _groups_text(a) -> str:
    g = a.result.groups
    named = [f"{esc(label)} (n = {int(n):,}{', small' if small else ''})"
             for label, n, small in zip(g.index, g["n"], g["small"])]
    more = len(named) - SUMMARY_GROUPS
    if more > 0:
        named = named[:SUMMARY_GROUPS] + [f"and {more} more (the Audit section lists them)"]
    return ", ".join(named)


def _caveats(a) -> list:
    notes = list(a.result.warnings)
    if a.ds.roles.score_column:
        notes.insert(0, outside_model_warning("scores"))
    return notes


def _source_name(a) -> str:
    """The data as the reader knows it: a sample's title, or the source as given."""
    from fairdash.data import SAMPLES

    source = str((a.provenance.get("data") or {}).get("source") or "the table")
    name = source.split(":", 1)[1] if source.startswith("sample:") else None
    return SAMPLES[name].title if name in SAMPLES else source


def _unprefixed(sentence: str) -> str:
    """A verdict's sentence without its leading pass/FAIL word (the badge says it)."""
    first, _, rest = sentence.partition(" ")
    return rest if first.lower() in ("pass", "fail") else sentence


def _gate_list(verdicts) -> str:
    if not verdicts:
        return ""
    items = "".join(
        f'<li><span class="badge {"pass" if not v.failed else "fail"}">'
        f'{"PASS" if not v.failed else "FAIL"}</span> {esc(_unprefixed(v.sentence()))}</li>'
        for v in verdicts)
    judged = " (each judged on its 95 % interval)" if verdicts[0].on_interval else ""
    return (f'<h3>Gate rules{judged}</h3><ul class="gates" id="gates">{items}</ul>')


def summary(a, verdicts, mit, cmp, slices) -> str:
    """The one-screen summary in plain language, at the audited threshold."""
    r, ds = a.result, a.ds
    source = _source_name(a)
    lead = (f"This report audits the decisions of <b>{esc(a.model_name)}</b> (positive = "
            f"{esc(a.positive_meaning)}) on the {a.n:,} held-out test rows of "
            f"<b>{esc(source)}</b>, at the decision threshold <b>{a.threshold:g}</b>. Groups by "
            f"{esc(', '.join(ds.roles.sensitive))}: {_groups_text(a)}.")
    items, said = [], []
    for name in SUMMARY_GAPS:
        row = r.gaps.loc[name]
        if any(row["value"] == v for v in said):  # equalized odds = equal opportunity's TPR gap
            continue
        said.append(row["value"])
        sentence = fd_metrics.explain_gap(name, r, a.positive_meaning)
        # the sentence names the groups, the size, the 95 % interval and the p-value
        items.append(f"<li><b>{esc(row['label'])}: {num(row['value'])}.</b> {esc(sentence)}"
                     "</li>")
    parts = [f'<section class="summary" id="summary"><h2>Summary</h2><p>{lead}</p>',
             f"<h3>Gaps between groups</h3><ul>{''.join(items)}</ul>", _gate_list(verdicts)]
    parts.append("<h3>What was done about it</h3>")
    if mit is None:
        parts.append("<p>No mitigation is part of this report: the numbers are the model's "
                     "as it is.</p>")
    else:
        parts.append(f"<p>{mit['summary']}</p><h3>Who paid</h3><p>{esc(mit['who'].sentence)}"
                     "</p>")
    if cmp is not None:
        parts.append(f"<h3>Model update</h3><p>{cmp['summary']}</p>")
    if slices is not None:
        from fairdash.report._extras import slices_summary

        parts.append(f"<h3>Groups nobody named</h3><p>{slices_summary(slices)}</p>")
    notes = _caveats(a)
    if notes:
        more = len(notes) - SUMMARY_CAVEATS
        parts.append('<p class="note"><b>Caveats.</b> ' + " ".join(
            esc(w) for w in notes[:SUMMARY_CAVEATS])
            + (f" ({more} more in the Audit section.)" if more > 0 else "") + "</p>")
    parts.append('<p class="note">Intervals are 95 %: Wilson intervals for a group\'s rate, '
                 f"bootstrap intervals ({r.n_resamples:,} resamples) for a gap; p-values come "
                 "from a permutation test of \u201cno difference between groups\u201d. The "
                 "detail follows on the next pages.</p></section>")
    return "".join(parts)


def _control(a, live) -> str:
    if live is None:
        return ('<p class="note">The scores are given 0/1 decisions, so there is no threshold '
                "to move.</p>")
    t = live["audited_index"]
    return (
        '<div class="control" id="control"><label for="fd-threshold">Decision threshold'
        f'</label><input type="range" id="fd-threshold" min="0" max="{len(live["thresholds"]) - 1}"'
        f' step="1" value="{t}" aria-label="Decision threshold">'
        f'<output for="fd-threshold" data-threshold-text>{_thr(a.threshold)}</output>'
        f'<button type="button" id="fd-reset">Back to the audited {a.threshold:g}</button>'
        '<span class="note" data-when-moved hidden>Moved from the audited threshold: rates, '
        "their Wilson intervals and the gap values follow it; the gaps' bootstrap intervals "
        "and p-values, and every other section, stay at the audited threshold.</span></div>")


def _gap_table(a) -> str:
    r = a.result
    rows = []
    for name, row in r.gaps.iterrows():
        rows.append(
            f'<tr data-gap="{esc(name)}"><td>{esc(row["label"])}<br><code>{esc(name)}</code>'
            f'</td><td class="num gap-value" data-value="{_dv(row["value"])}">{num(row["value"])}'
            f'</td><td class="num" data-when-audited>{ci(row["ci_low"], row["ci_high"])}</td>'
            f'<td class="num" data-when-audited>{p_text(row["p_value"], r.n_resamples)}</td>'
            '<td class="num muted" data-when-moved hidden colspan="2">at the audited '
            "threshold only</td></tr>")
    note = esc(fd_metrics.aggregation_note(r.method, r.reference))
    excluded = (f" Left out of the gaps (fewer than {r.min_group_size} rows): "
                f"{esc(', '.join(map(str, r.excluded_groups)))}." if r.excluded_groups else "")
    return ('<table class="gaps keep" id="gap-table"><caption>Every gap at threshold '
            f'<span data-threshold-text>{_thr(a.threshold)}</span>. {note}{excluded}</caption>'
            '<thead><tr><th>Gap</th><th class="num">Value</th><th class="num">95 % interval'
            '</th><th class="num">p-value</th></tr></thead><tbody>' + "".join(rows)
            + "</tbody></table>")


def _group_table(a) -> str:
    g = a.result.groups
    head = "".join(f'<th class="num">{esc(fd_metrics.RATE_SHORT[k])}</th>' for k in LIVE_RATES)
    rows = []
    for i, (label, row) in enumerate(g.iterrows()):
        cells = "".join(
            f'<td class="num" data-rate="{k}"><span class="rate-value" data-value='
            f'"{_dv(row[k])}">{pct(row[k])}</span><span class="rate-ci">'
            f'{ci(row[k + "_low"], row[k + "_high"], percent=True)}</span></td>'
            for k in LIVE_RATES)
        small = " (small: left out of the gaps)" if row["small"] else ""
        rows.append(f'<tr data-group="{i}"><td>{esc(label)}{small}</td>'
                    f'<td class="num">{int(row["n"]):,}</td>{cells}</tr>')
    return ('<table class="groups keep" id="group-table"><caption>Per group at threshold '
            '<span data-threshold-text>' + f"{_thr(a.threshold)}</span>, with 95 % Wilson "
            "intervals in brackets (percent).</caption><thead><tr><th>Group</th>"
            f'<th class="num">Rows</th>{head}</tr></thead><tbody>' + "".join(rows)
            + "</tbody></table>")


def _live_bars(a, figures, live) -> str:
    g = a.result.groups
    out = []
    for rate in LIVE_BARS:
        fig = viz.rate_bars_figure(g, rate, fd_metrics.RATE_LABELS[rate],
                                   overall=a.result.overall[rate],
                                   short=fd_metrics.RATE_SHORT[rate])
        spec = figure_json(fig)
        if live is not None:
            live_bars(spec, g, rate)
        figures[f"fig-{rate}"] = spec
        out.append(f'<div class="chart" id="fig-{rate}"></div>')
    figures["fig-roc"] = _roc(a, live)
    return (f'<div class="grid2">{"".join(out)}</div>'
            '<div class="chart keep" id="fig-roc"></div>')


def _roc(a, live) -> dict:
    """ROC curves per group; with the control, its dots (the operating points) follow it."""
    g = a.result.groups
    labels = [str(x) for x in g.index]
    roc = a.index.roc(labels, max_points=200 if len(labels) <= 6 else 60)
    spec = figure_json(viz.roc_figure(roc, g, a.threshold, score_label="Score"), digits=4)
    if live is not None:
        live_roc(spec, labels, a.threshold)
    return spec


def audit_section(a, figures, live) -> str:
    """The audit with the threshold control: gap table, per-group table, live bar charts."""
    return ('<section class="detail" id="audit"><h2>Audit</h2>'
            f"<p>{a.n:,} held-out test rows; a decision is positive when the score is at least "
            "the threshold. Move the threshold to see every rate and gap at another one; the "
            "numbers are those <code>python -m fairdash audit --threshold T</code> gives.</p>"
            + _control(a, live) + _gap_table(a) + _group_table(a) + _warnings(a)
            + _live_bars(a, figures, live) + "</section>")


def _warnings(a) -> str:
    notes = _caveats(a)
    if not notes:
        return ""
    return ('<div class="warn keep"><b>Caveats at the audited threshold</b><ul>'
            + "".join(f"<li>{esc(w)}</li>" for w in notes) + "</ul></div>")


def data_section(a, figures) -> str:
    """Data and roles: the table, target, groups, features, split; group sizes."""
    d, roles = a.provenance.get("data") or {}, a.ds.roles
    split = {s: int((a.ds.split == s).sum()) for s in ("train", "calibration", "test")}
    rows = [("Source", d.get("source", "")), ("Rows, columns",
                                              f"{len(a.ds.frame):,}, {a.ds.frame.shape[1]}"),
            ("Target (positive label)", f"{roles.target} ({roles.positive_label})"),
            ("Sensitive", ", ".join(roles.sensitive)), ("Features", ", ".join(roles.features)),
            ("Score column", roles.score_column or "none (a model trained here)"),
            ("Split (train / calibration / test)",
             " / ".join(f"{v:,}" for v in split.values()) + f", seed {d.get('seed', 0)}")]
    figures["fig-sizes"] = figure_json(viz.group_sizes_figure(a.result.groups))
    return ('<section id="data"><h2>Data and roles</h2><dl class="prov">'
            + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows)
            + '</dl><div class="chart keep" id="fig-sizes"></div></section>')


def model_section(a) -> str:
    """The model, its settings and how well it ranks per group (AUC)."""
    m = a.provenance.get("model") or {}
    params = m.get("params") or {}
    g = a.result.groups
    pooled = fd_metrics.ScoreIndex(a.ds.y[a.mask], a.scores[a.mask],
                                   np.zeros(a.n, dtype=np.int64), 1).auc()[0]
    auc = "; ".join(f"{esc(label)} {num(v, 2)}" for label, v in zip(g.index, g["auc"]))
    settings = ", ".join(f"{esc(k)} = {esc(v)}" for k, v in params.items()) or "not recorded"
    return (f'<section id="model"><h2>Model</h2><p><b>{esc(a.model_name)}</b>. Settings: '
            f"{settings}.</p><p>AUC (ranking quality, 0.5 = chance): {num(pooled, 3)} on all "
            f"audited rows; per group: {auc}. Overall accuracy at the threshold: "
            f"{pct(a.result.overall['accuracy'])}.</p></section>")


def provenance_section(a) -> str:
    """The provenance block as given, and the command that reproduces the audit."""
    p = a.provenance
    data = p.get("data") or {}
    rows = [(f"data.{k}", ", ".join(map(str, v)) if isinstance(v, list) else
             ", ".join(f"{x} {n:,}" for x, n in v.items()) if isinstance(v, dict) else v)
            for k, v in data.items()]
    rows += [("model", (p.get("model") or {}).get("name")), ("threshold", p.get("threshold")),
             ("versions", ", ".join(f"{k} {v}" for k, v in (p.get("versions") or {}).items())),
             ("created", p.get("created"))]
    rows += [(k, v) for k, v in p.items() if k not in {"data", "model", "threshold",
                                                         "versions", "created", "command"}]
    command = p.get("command")
    cmd = (f'<p>Reproduce the numbers:</p><code class="cmd">{esc(command)}</code>'
           if command else "")
    return ('<section id="provenance" class="keep"><h2>Provenance</h2><dl class="prov">'
            + "".join(f"<dt>{esc(k)}</dt><dd>{esc('' if v is None else v)}</dd>"
                      for k, v in rows) + f"</dl>{cmd}</section>")
