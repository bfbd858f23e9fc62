"""The optional sections: the active mitigation before and after (and who paid for it), the
tradeoff chart with the chosen point, the model-update comparison and the subgroup findings.
All at the audited threshold; every user string through :func:`esc`."""

from __future__ import annotations

from fairdash import viz
from fairdash.compare import flip_report, who_pays
from fairdash.exceptions import FairDashError
from fairdash.metrics import GAPS, gap_change_verdict
from fairdash.report._text import ci, esc, figure_json, num, pct, signed_pct

__all__ = ["comparison_facts", "comparison_section", "mitigation_facts", "mitigation_section",
           "slices_section", "slices_summary", "tradeoff_section"]

#: the rates of the before/after chart
BEFORE_AFTER_RATES = {"selection_rate": "Selection rate", "tpr": "True positive rate",
                      "fpr": "False positive rate"}


def _signed(v) -> str:
    text = num(v)
    return text if text == "n/a" or text.startswith("-") else "+" + text


#: overall rates with a Wilson interval in the performance table: rate -> (successes, trials)
#: as columns of the per-group table (``correct`` = accuracy x rows)
_OVERALL = {"accuracy": ("correct", "n"), "selection_rate": ("predicted_positives", "n"),
            "tpr": ("true_positives", "positives"), "fpr": ("false_positives", "negatives")}


def _overall_ci(result, name: str) -> str:
    """The 95 % Wilson interval of an overall rate, from the per-group (expected) counts."""
    from fairdash.metrics import wilson_interval

    if name not in _OVERALL:
        return ""
    g = result.groups
    cells = {"n": g["n"], "positives": g["positives"], "negatives": g["negatives"],
             "predicted_positives": g["predicted_positives"],
             "correct": g["accuracy"] * g["n"], "true_positives": g["tpr"] * g["positives"],
             "false_positives": g["fpr"] * g["negatives"]}
    k, m = (float(cells[c].fillna(0).sum()) for c in _OVERALL[name])
    low, high = wilson_interval(k, m)
    return ci(low, high)


def _gap_words(result, name: str) -> str:
    row = result.gaps.loc[name]
    interval = ci(row["ci_low"], row["ci_high"])
    return f"{num(row['value'])}" + (f" (95 % interval {interval})" if interval else "")


def mitigation_facts(a, mitigation, mitigated) -> dict:
    """Before/after, decisions changed and who paid for the active mitigation."""
    if mitigation is None:
        raise FairDashError("A before/after needs its mitigation (the MitigationResult), so "
                            "the report can name the method and its strength.")
    if mitigated is None:
        from fairdash.mitigation import before_after

        mitigated = before_after(a.ds, a.scores, mitigation, threshold=a.threshold,
                                 base_decisions_only=a.decisions_only, **a.options)
    method = mitigation.method
    old, new = a.decisions(), a.decisions(mitigation.scores, mitigation.decisions_only)
    flips = flip_report(a.ds.y[a.mask], old, new, sensitive_features=a.group_names,
                        min_group_size=a.options["min_group_size"])
    who = who_pays(flips, n_resamples=a.options["n_resamples"],
                   random_state=a.options["random_state"])
    before, after = mitigated.before, mitigated.after
    crit = method.criterion if method.criterion in GAPS else "demographic_parity_difference"
    verdict = gap_change_verdict(crit, before.gaps.loc[crit, "value"],
                                 after.gaps.loc[crit, "value"], method=before.method)
    perf = mitigated.performance
    acc = perf.loc["accuracy"]
    text = (f"<b>{esc(method.label)}</b> ({esc(method.stage)}) at strength "
            f"{mitigation.strength:g}: the {esc(GAPS[crit].label.lower())} went from "
            f"{_gap_words(before, crit)} to <b>{_gap_words(after, crit)}</b> ({esc(verdict)}). "
            f"Cost: accuracy {pct(acc['before'])} &rarr; {pct(acc['after'])} "
            f"({signed_pct(acc['change'])}); {mitigated.changed:,.0f} of {mitigated.rows:,} "
            f"decisions changed ({pct(mitigated.changed / max(mitigated.rows, 1))}).")
    return {"result": mitigation, "ba": mitigated, "flips": flips, "who": who,
            "criterion": crit, "summary": text}


def mitigation_section(a, mit, figures) -> str:
    """The active mitigation: what it is, every gap and performance before and after."""
    res, ba = mit["result"], mit["ba"]
    m = res.method
    rows = []
    for name, spec in GAPS.items():
        b, af = ba.before.gaps.loc[name], ba.after.gaps.loc[name]
        verdict = gap_change_verdict(name, b["value"], af["value"], method=ba.before.method)
        rows.append(f"<tr><td>{esc(spec.label)}</td><td class='num'>{num(b['value'])} "
                    f"<span class='rate-ci'>{ci(b['ci_low'], b['ci_high'])}</span></td>"
                    f"<td class='num'>{num(af['value'])} <span class='rate-ci'>"
                    f"{ci(af['ci_low'], af['ci_high'])}</span></td><td>{esc(verdict)}</td>"
                    "</tr>")
    from fairdash.mitigation import PERFORMANCE

    perf = "".join(
        f"<tr><td>{esc(PERFORMANCE.get(k, k))}</td><td class='num'>{num(r['before'])} "
        f"<span class='rate-ci'>{_overall_ci(ba.before, k)}</span></td><td class='num'>"
        f"{num(r['after'])} <span class='rate-ci'>{_overall_ci(ba.after, k)}</span></td>"
        f"<td class='num'>{_signed(r['change'])}</td></tr>" for k, r in ba.performance.iterrows())
    fig = viz.before_after_rates_figure(ba.before.groups, ba.after.groups, BEFORE_AFTER_RATES,
                                        after_label=f"after {m.label}")
    figures["fig-mitigation"] = figure_json(fig)
    notes = " ".join(esc(w) for w in res.warnings)
    return (
        f'<section id="mitigation"><h2>Mitigation: {esc(m.label)}</h2>'
        f"<p>{esc(m.describe())} <i>Assumes:</i> {esc(m.assumes)} <i>Paper:</i> "
        f"{esc(m.paper)}</p><p>Strength {res.strength:g}, fitted on the {esc(res.fit_split)} "
        f"split; measured on the same {ba.rows:,} held-out test rows as the audit, at the "
        f"audited threshold {a.threshold:g}. {esc(res.note)}</p>"
        + (f'<p class="warn">{notes}</p>' if notes else "")
        + '<table class="keep"><caption>Every gap before and after (95 % bootstrap intervals)'
          "</caption><thead><tr><th>Gap</th><th class='num'>Before</th><th class='num'>After"
          "</th><th>Change</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        + '<table class="keep"><caption>Performance before and after (95 % Wilson intervals; '
          "expected counts for randomised decisions)</caption><thead><tr>"
          "<th>Metric</th><th class='num'>Before</th><th class='num'>After</th>"
          "<th class='num'>Change</th></tr></thead><tbody>" + perf + "</tbody></table>"
        + f"<p><b>Who paid.</b> {esc(mit['who'].sentence)}</p>"
        + '<div class="chart keep" id="fig-mitigation"></div></section>')


def tradeoff_section(a, tradeoff, figures) -> str:
    """The tradeoff chart with the chosen point ringed, and that point's numbers."""
    from fairdash.tradeoff import LOWER_IS_BETTER, PERFORMANCE_METRICS

    table = tradeoff.table
    gap_label = GAPS[tradeoff.gap].label if tradeoff.gap in GAPS else tradeoff.gap
    perf_label = PERFORMANCE_METRICS.get(tradeoff.performance, tradeoff.performance)
    fig = viz.tradeoff_figure(table, gap_label, perf_label,
                              ratio=tradeoff.gap in GAPS and GAPS[tradeoff.gap].kind == "ratio",
                              selected=tradeoff.selected,
                              lower_is_better=tradeoff.performance in LOWER_IS_BETTER)
    figures["fig-tradeoff"] = figure_json(fig, digits=4)
    chosen = ""
    if tradeoff.selected is not None:
        method, strength = tradeoff.selected
        hit = table[(table["method"] == method) & ((table["strength"] - strength).abs() < 1e-9)]
        if len(hit):
            r = hit.iloc[0]
            chosen = (f"<p>The chosen point: <b>{esc(r['label'])}</b> at strength "
                      f"{float(r['strength']):g}: {esc(perf_label.lower())} "
                      f"{num(r['performance'])} {ci(r['performance_low'], r['performance_high'])}"
                      f", {esc(gap_label.lower())} {num(r['gap'])} "
                      f"{ci(r['gap_low'], r['gap_high'])}; {float(r['changed']):,.0f} "
                      f"decisions changed{'; on the Pareto front' if r['pareto'] else ''}.</p>")
    methods = table.loc[table["method"] != "baseline", "method"].nunique()
    return (f'<section id="tradeoff"><h2>Tradeoff</h2><p>{len(table):,} points of {methods} '
            f"method(s), each measured on the held-out test rows with 95 % intervals on both "
            f"axes; the star is the base model.</p>{chosen}"
            '<div class="chart keep" id="fig-tradeoff"></div></section>')


def comparison_facts(a, comparison) -> dict:
    """Flips, accuracies and who pays for a model update."""
    rep = comparison.report
    who = who_pays(rep, n_resamples=a.options["n_resamples"],
                   random_state=a.options["random_state"])
    o = rep.overall
    text = (f"Replacing <b>{esc(comparison.old_label)}</b> with <b>"
            f"{esc(comparison.new_label)}</b> newly decides {pct(o['nfr'], 2)} of the rows wrong "
            f"(negative flip rate, 95 % interval {ci(o['nfr_low'], o['nfr_high'], percent=True)})"
            f" and {pct(o['pfr'], 2)} newly right; accuracy {pct(o['accuracy_old'])} &rarr; "
            f"{pct(o['accuracy_new'])}. {esc(who.sentence)}")
    return {"comparison": comparison, "who": who, "summary": text}


def comparison_section(a, cmp, figures) -> str:
    """The model update: flip rates overall and per group, who pays."""
    c = cmp["comparison"]
    rep = c.report
    figures["fig-flips"] = figure_json(viz.flip_bars_figure(rep.groups))
    rows = "".join(
        f"<tr><td>{esc(g)}{' (small)' if r.get('small') else ''}</td><td class='num'>"
        f"{int(r['n']):,}</td><td class='num'>{pct(r['nfr'], 2)} <span class='rate-ci'>"
        f"{ci(r['nfr_low'], r['nfr_high'], percent=True)}</span></td><td class='num'>"
        f"{pct(r['pfr'], 2)} <span class='rate-ci'>{ci(r['pfr_low'], r['pfr_high'], percent=True)}"
        f"</span></td><td class='num'>{pct(r['accuracy_old'])}</td><td class='num'>"
        f"{pct(r['accuracy_new'])}</td></tr>" for g, r in rep.groups.iterrows())
    return (f'<section id="comparison"><h2>Model update: {esc(c.old_label)} &rarr; '
            f"{esc(c.new_label)}</h2><p>{cmp['summary']}</p>"
            '<table class="keep"><caption>Per group, with 95 % Wilson intervals (percent)'
            "</caption><thead><tr><th>Group</th><th class='num'>Rows</th><th class='num'>"
            "Negative flips</th><th class='num'>Positive flips</th><th class='num'>Accuracy "
            "old</th><th class='num'>Accuracy new</th></tr></thead><tbody>" + rows
            + '</tbody></table><div class="chart keep" id="fig-flips"></div></section>')


def _rate_name(slices) -> str:
    from fairdash.subgroups import RATES

    return RATES.get(slices.rate, (slices.rate,))[0]


def slices_summary(slices) -> str:
    """One sentence on the confirmed slices."""
    s = slices.slices
    confirmed = s[s["confirmed"]] if len(s) else s
    rate = esc(_rate_name(slices))
    if not len(confirmed):
        return (f"A search of {slices.tested:,} slices confirmed none with a higher {rate} "
                f"than the rest at a false discovery rate of {slices.fdr:g}.")
    top = confirmed.iloc[0]
    return (f"{len(confirmed):,} of {slices.tested:,} tested slices have a confirmed higher "
            f"{rate} than the rest (false discovery rate {slices.fdr:g}); the strongest: "
            f"<b>{esc(top['words'])}</b> ({int(top['n']):,} rows, {pct(top['rate'])} against "
            f"{pct(top['rate_rest'])}). A slice is a place to look, not a cause.")


def _q(q) -> str:
    text = num(q)
    return "< 0.001" if text == "0.000" else text


def slices_section(a, slices, top: int = 10) -> str:
    """The strongest slices, confirmed first, with intervals and q-values."""
    rows = "".join(
        f"<tr><td>{'&#10003;' if r['confirmed'] else ''}</td><td>{esc(r['words'])}<br><code>"
        f"{esc(r['rule'])}</code></td><td class='num'>{int(r['n']):,}</td><td class='num'>"
        f"{pct(r['rate'])}</td><td class='num'>{pct(r['rate_rest'])}</td><td class='num'>"
        f"{100 * r['effect']:+.1f} <span class='rate-ci'>"
        f"{ci(r['ci_low'], r['ci_high'], percent=True)}</span></td><td class='num'>"
        f"{_q(r['q_value'])}</td></tr>"
        for _, r in slices.slices.head(top).iterrows())
    return (f'<section id="slices"><h2>Groups nobody named</h2><p>{slices_summary(slices)}'
            f"</p><table class='keep'><caption>The {min(top, len(slices.slices))} strongest "
            f"slices by {esc(_rate_name(slices))} (confirmed first; effect with its 95 % "
            "interval, q = Benjamini-Hochberg)</caption><thead><tr><th>Confirmed</th>"
            "<th>Slice</th><th class='num'>Rows</th><th class='num'>Rate</th>"
            "<th class='num'>Rest</th><th class='num'>Effect (points)</th><th class='num'>q</th>"
            "</tr>"
            "</thead><tbody>" + rows + "</tbody></table></section>")
