// Shared by the HTML report (fairdash/report/_script.py splices it into its script) and the
// dashboard's threshold component (fairdash/ui/components/threshold): per-group rates, Wilson
// intervals and gap values from confusion counts, with the same arithmetic in the same order
// as fairdash.metrics (_rates, _intervals.wilson_interval, _aggregate.gap and
// gap_change_verdict; docs/methods.md §9.1-9.3), and the live parts of the rate-bar, ROC and
// before/after figures. The dashboard's strength component (fairdash/ui/components/strength)
// measures the same way at each strength of a post-processing method, from expected counts.
// Plain JavaScript, no library.
function pct(v) { return isNaN(v) ? "undefined" : (100 * v).toFixed(1) + " %"; }
function num(v) { return isNaN(v) ? "n/a" : v.toFixed(3); }
function nul(x) { return isNaN(x) ? null : x; }
function copy(o) { return JSON.parse(JSON.stringify(o)); }

// LIVE: the counts and definitions of fairdash.report._live.live_payload
function fairdashLive(LIVE) {
  function parts(c, name) {
    var def = LIVE.rates[name], num = 0, den = 0, i;
    for (i = 0; i < def[0].length; i++) { num += c[def[0][i]]; }
    for (i = 0; i < def[1].length; i++) { den += c[def[1][i]]; }
    return [num, den];
  }
  function rate(c, name) { var p = parts(c, name); return p[1] > 0 ? p[0] / p[1] : NaN; }
  function wilson(k, m) {
    if (!(m > 0)) { return [NaN, NaN]; }
    var z = LIVE.z, z2 = z * z, p = k / m, denom = 1 + z2 / m;
    var centre = (p + z2 / (2 * m)) / denom;
    var half = z * Math.sqrt(p * (1 - p) / m + z2 / (4 * (m * m))) / denom;
    var clip = function (x) { return Math.min(Math.max(x, 0), 1); };
    return [k <= 0 ? 0 : clip(centre - half), k >= m ? 1 : clip(centre + half)];
  }
  function fmax(a) { var r = NaN; a.forEach(function (x) { if (!isNaN(x) && (isNaN(r) || x > r)) { r = x; } }); return r; }
  function fmin(a) { var r = NaN; a.forEach(function (x) { if (!isNaN(x) && (isNaN(r) || x < r)) { r = x; } }); return r; }
  function worst(a, kind) { return kind === "difference" ? fmax(a) : fmin(a); }
  function farthest(a, kind) {
    var best = -Infinity, at = -1;
    a.forEach(function (x, i) {
      var d = kind === "difference" ? Math.abs(x) : Math.abs(Math.log(x));
      if (isNaN(d)) { d = -1; }
      if (d > best) { best = d; at = i; }  // the first largest, as numpy's argmax
    });
    return (at < 0 || best < 0) ? NaN : a[at];
  }
  function meanDefined(a) {
    var total = 0, count = 0;
    a.forEach(function (x) { if (!isNaN(x)) { total += x; count += 1; } });
    return count > 0 ? total / count : NaN;
  }
  function perGroup(values, overall, kind) {
    var v = values.map(function (x, i) { return LIVE.include[i] ? x : NaN; });
    var m = LIVE.method;
    if (m === "between_groups") {
      var d = v.filter(function (x) { return !isNaN(x); });
      if (d.length < 2) { return NaN; }
      var hi = fmax(d), lo = fmin(d);
      return kind === "difference" ? hi - lo : (hi > 0 ? lo / hi : NaN);
    }
    if (m === "to_overall") {
      return v.map(function (x) {
        return kind === "difference" ? Math.abs(x - overall) : fmin([x / overall, overall / x]);
      });
    }
    var ref = v[LIVE.reference];
    var out = v.map(function (x) {
      return kind === "difference" ? x - ref : (ref > 0 ? x / ref : NaN);
    });
    out[LIVE.reference] = NaN;
    return out;
  }
  function aggregate(values, overall, kind) {
    var pg = perGroup(values, overall, kind);
    if (LIVE.method === "between_groups") { return pg; }
    return LIVE.method === "vs_reference" ? farthest(pg, kind) : worst(pg, kind);
  }
  function gapValue(spec, rates, overall) {
    if (LIVE.method === "vs_reference") {
      var ps = spec.rates.map(function (r) { return perGroup(rates[r], null, spec.kind); });
      var joined = ps[0].map(function (_, g) {
        var col = ps.map(function (p) { return p[g]; });
        return spec.combine === "mean" ? meanDefined(col) : farthest(col, spec.kind);
      });
      return farthest(joined, spec.kind);
    }
    var vals = spec.rates.map(function (r) { return aggregate(rates[r], overall[r], spec.kind); });
    return spec.combine === "mean" ? meanDefined(vals) : worst(vals, spec.kind);
  }
  function countsAt(t) {
    return LIVE.labels.map(function (_, g) {
      var tp = LIVE.tp[g][t], fp = LIVE.fp[g][t];
      return [LIVE.neg[g] - fp, fp, LIVE.pos[g] - tp, tp];
    });
  }
  function measure(t) {
    var counts = countsAt(t), total = [0, 0, 0, 0], out = {groups: {}, overall: {}, gaps: {}};
    counts.forEach(function (c) { for (var j = 0; j < 4; j++) { total[j] += c[j]; } });
    Object.keys(LIVE.rates).forEach(function (name) {
      out.groups[name] = counts.map(function (c) {
        var p = parts(c, name), ci = wilson(p[0], p[1]);
        return {value: p[1] > 0 ? p[0] / p[1] : NaN, low: ci[0], high: ci[1]};
      });
      out.overall[name] = rate(total, name);
    });
    var values = {};
    Object.keys(out.groups).forEach(function (n) { values[n] = out.groups[n].map(function (r) { return r.value; }); });
    Object.keys(LIVE.gaps).forEach(function (name) {
      out.gaps[name] = gapValue(LIVE.gaps[name], values, out.overall);
    });
    return out;
  }
  function barsFigure(spec, m) {
    // a fresh copy each time: plotly keeps (and changes) the objects it is given
    var f = copy(spec), rows = m.groups[f.live.rate], tr = f.data[0];
    tr.x = rows.map(function (r) { return nul(100 * r.value); });
    tr.error_x.array = rows.map(function (r) { return nul(100 * (r.high - r.value)); });
    tr.error_x.arrayminus = rows.map(function (r) { return nul(100 * (r.value - r.low)); });
    tr.customdata = rows.map(function (r, g) { return [LIVE.n[g], nul(100 * r.low), nul(100 * r.high)]; });
    f.layout.yaxis.ticktext = rows.map(function (r, g) {
      return f.live.prefix[g] + "<br>" + pct(r.value) + " · " + f.live.tail[g];
    });
    var o = m.overall[f.live.rate];
    if (f.layout.shapes && f.layout.shapes.length && !isNaN(o)) {
      f.layout.shapes[0].x0 = f.layout.shapes[0].x1 = 100 * o;
      f.layout.annotations[0].x = 100 * o;
      f.layout.annotations[0].text = "all rows " + (100 * o).toFixed(1) + "%";
    }
    return f;
  }
  function rocFigure(spec, m, thr) {
    // the curves stay the same objects, so Plotly.react redraws only the dots
    var f = {data: spec.data.slice(), layout: copy(spec.layout), live: spec.live};
    var shown = thr.toFixed(2);
    f.live.dots.forEach(function (d) {
      var tr = f.data[d[0]] = copy(spec.data[d[0]]);
      tr.x = d[1].map(function (g) { return nul(100 * m.groups.fpr[g].value); });
      tr.y = d[1].map(function (g) { return nul(100 * m.groups.tpr[g].value); });
      tr.name = tr.name.split("{T}").join(shown);
      tr.hovertemplate = tr.hovertemplate.split("{T}").join(shown);
    });
    return f;
  }
  function pairsFigure(spec, m) {
    // the "after" bars of fairdash.viz.before_after_rates_figure (fairdash.report._live.
    // live_pairs); the "before" bars stay the same objects
    var f = {data: spec.data.slice(), layout: spec.layout};
    spec.live.after.forEach(function (a) {
      var tr = f.data[a[0]] = copy(spec.data[a[0]]), rows = m.groups[a[1]];
      tr.x = rows.map(function (r) { return nul(100 * r.value); });
      tr.error_x.array = rows.map(function (r) { return nul(100 * (r.high - r.value)); });
      tr.error_x.arrayminus = rows.map(function (r) { return nul(100 * (r.value - r.low)); });
      tr.customdata = rows.map(function (r, g) { return [nul(100 * r.low), nul(100 * r.high), LIVE.n[g]]; });
    });
    return f;
  }
  function verdict(name, before, after) {
    // fairdash.metrics.gap_change_verdict: "fairer", "less fair", "unchanged" or "undefined"
    if (isNaN(before) || isNaN(after)) { return "undefined"; }
    var kind = LIVE.gaps[name].kind, signed = LIVE.method === "vs_reference";
    function away(v) {
      if (kind === "difference") { return signed ? Math.abs(v) : v; }
      return signed ? (v > 0 ? Math.abs(Math.log(v)) : Infinity) : -v;
    }
    var b = away(before), a = away(after);
    return Math.abs(a - b) <= 1e-9 ? "unchanged" : a < b ? "fairer" : "less fair";
  }
  return {measure: measure, rate: rate, barsFigure: barsFigure, rocFigure: rocFigure,
          pairsFigure: pairsFigure, verdict: verdict};
}
