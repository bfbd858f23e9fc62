"""The report page's own script and style sheet, as text embedded in the HTML file.

The script (vanilla JavaScript, no library but plotly.js) unpacks plotly.js when it is
embedded compressed, draws every figure, and recomputes the per-group rates, their Wilson
intervals and every gap value from the embedded confusion counts when the reader moves the
threshold, with the same arithmetic, in the same order, as :mod:`fairdash.metrics`
(``_rates``, ``_intervals.wilson_interval``, ``_aggregate.gap``): the numbers it shows at a
threshold are those of :func:`fairdash.metrics.audit` at that threshold. Bootstrap intervals
and permutation p-values are not recomputed: the page says they belong to the audited
threshold. User strings reach the page through ``textContent`` only, never as markup; the
figures' labels arrive already escaped for plotly.
"""

SCRIPT = r"""
(function () {
"use strict";
function byId(id) { return document.getElementById(id); }
var LIVE = byId("fd-live") ? JSON.parse(byId("fd-live").textContent) : null;
var FIGS = JSON.parse(byId("fd-figures").textContent);
var CONFIG = {displaylogo: false, responsive: true};

// ---- plotly.js, embedded gzip-compressed (or plain) ------------------------------------
function loadPlotly() {
  var el = byId("fd-plotly");
  if (!el || window.Plotly) { return Promise.resolve(); }
  if (typeof DecompressionStream === "undefined") {
    return Promise.reject(new Error("this browser cannot unpack the embedded charts"));
  }
  var bin = atob(el.textContent.replace(/\s+/g, ""));
  var bytes = new Uint8Array(bin.length);
  for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).text().then(function (code) {
    var s = document.createElement("script");
    s.textContent = code;
    document.head.appendChild(s);
  });
}

// ---- rates, Wilson intervals and gaps from counts (fairdash.metrics) -------------------
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

// ---- showing the numbers -----------------------------------------------------------------
function pct(v) { return isNaN(v) ? "undefined" : (100 * v).toFixed(1) + " %"; }
function num(v) { return isNaN(v) ? "n/a" : v.toFixed(3); }
function setCell(el, value, text) {
  el.textContent = text;
  el.setAttribute("data-value", isNaN(value) ? "nan" : String(value));
}
function update(t) {
  var m = measure(t), audited = t === LIVE.audited_index, thr = LIVE.thresholds[t];
  document.querySelectorAll("[data-threshold-text]").forEach(function (el) {
    // the grid's thresholds with three decimals; an audited one off the grid as given
    el.textContent = Math.abs(thr * 1000 - Math.round(thr * 1000)) < 1e-9 ? thr.toFixed(3) : String(thr);
  });
  document.querySelectorAll("[data-when-moved]").forEach(function (el) { el.hidden = audited; });
  document.querySelectorAll("[data-when-audited]").forEach(function (el) { el.hidden = !audited; });
  document.querySelectorAll("tr[data-gap]").forEach(function (row) {
    var v = m.gaps[row.getAttribute("data-gap")];
    setCell(row.querySelector(".gap-value"), v, num(v));
  });
  document.querySelectorAll("tr[data-group]").forEach(function (row) {
    var g = Number(row.getAttribute("data-group"));
    row.querySelectorAll("td[data-rate]").forEach(function (cell) {
      var r = m.groups[cell.getAttribute("data-rate")][g];
      setCell(cell.querySelector(".rate-value"), r.value, pct(r.value));
      var ci = cell.querySelector(".rate-ci");
      ci.textContent = isNaN(r.low) ? "" : "[" + (100 * r.low).toFixed(1) + ", " + (100 * r.high).toFixed(1) + "]";
      ci.setAttribute("data-low", String(r.low));
      ci.setAttribute("data-high", String(r.high));
    });
  });
  var redraws = [];
  Object.keys(FIGS).forEach(function (id) {
    var f = FIGS[id];
    if (f.live && window.Plotly) {
      redraws.push(f.live.kind === "roc" ? redrawRoc(id, f, m, thr) : redrawBars(id, f, m));
    }
  });
  return Promise.all(redraws);
}
function nul(x) { return isNaN(x) ? null : x; }
function copy(o) { return JSON.parse(JSON.stringify(o)); }
function redrawBars(id, spec, m) {
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
  return Plotly.react(byId(id), f.data, f.layout, CONFIG).then(function () { return later(id); });
}

function redrawRoc(id, spec, m, thr) {
  var f = copy(spec), shown = thr.toFixed(2);
  f.live.dots.forEach(function (d) {
    var tr = f.data[d[0]];
    tr.x = d[1].map(function (g) { return nul(100 * m.groups.fpr[g].value); });
    tr.y = d[1].map(function (g) { return nul(100 * m.groups.tpr[g].value); });
    tr.name = tr.name.split("{T}").join(shown);
    tr.hovertemplate = tr.hovertemplate.split("{T}").join(shown);
  });
  return Plotly.react(byId(id), f.data, f.layout, CONFIG).then(function () { return later(id); });
}

// ---- printing: each chart also as an image that scales to the page ---------------------
// (a drawn plotly chart keeps the width it had on screen; an SVG image scales with the page)
// the copies of the charts that follow the threshold are redone once it rests (250 ms), so
// dragging only redraws; printed(), used at load and by the tests, waits for them
var stale = {}, timer = null, settled = Promise.resolve(), resolve = null;
function later(id) {
  stale[id] = true;
  if (timer) { clearTimeout(timer); } else {
    settled = new Promise(function (done) { resolve = done; });
  }
  timer = setTimeout(function () {
    var ids = Object.keys(stale), done = resolve;
    stale = {};
    timer = null;
    resolve = null;
    Promise.all(ids.map(snapshot)).then(done, done);
  }, 250);
}
function printed() { return settled; }
function snapshot(id) {
  var gd = byId(id), size = gd._fullLayout;
  return Plotly.toImage(gd, {format: "svg", width: size.width, height: size.height})
    .then(function (url) {
      var img = byId(id + "-print");
      if (!img) {
        img = document.createElement("img");
        img.id = id + "-print";
        img.className = "print-only";
        img.setAttribute("alt", "chart (printed copy)");
        gd.parentNode.insertBefore(img, gd.nextSibling);
      }
      img.src = url;
    });
}

// what the tests (and a curious reader's console) can call
window.FairDashReport = {measure: measure, update: update, printed: function () { return printed(); },
                         live: LIVE};

// ---- wiring ------------------------------------------------------------------------------
function drawAll() {
  return Promise.all(Object.keys(FIGS).map(function (id) {
    var f = copy(FIGS[id]);
    return Plotly.newPlot(byId(id), f.data, f.layout, CONFIG).then(function () {
      return f.live ? null : snapshot(id);
    });
  }));
}
var slider = byId("fd-threshold");
if (LIVE && slider) {
  var queued = false;  // one redraw per frame however fast the slider moves
  slider.addEventListener("input", function () {
    if (queued) { return; }
    queued = true;
    window.requestAnimationFrame(function () { queued = false; update(Number(slider.value)); });
  });
  byId("fd-reset").addEventListener("click", function () {
    slider.value = String(LIVE.audited_index);
    update(LIVE.audited_index);
  });
}
loadPlotly().then(drawAll).then(function () {
  return LIVE ? update(Number(slider ? slider.value : LIVE.audited_index)) : null;
}).then(printed).then(function () {
  document.body.setAttribute("data-ready", "1");
}).catch(function (err) {
  document.querySelectorAll(".chart").forEach(function (el) {
    el.textContent = "The chart cannot be drawn here (" + err.message + "); every number is in the tables.";
  });
  if (LIVE) { update(LIVE.audited_index); }
  document.body.setAttribute("data-ready", "0");
});
})();
"""

STYLE = r"""
:root { --ink: #1d1d1f; --muted: #5f6368; --line: #d9d9de; --bad: #b3261e; --good: #1e6b35;
        --accent: #1f5fa8; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1100px; padding: 24px 32px 64px; }
h1 { font-size: 1.7em; margin: 0 0 4px; }
h2 { font-size: 1.3em; margin: 32px 0 8px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 1.05em; margin: 20px 0 6px; }
p, li { max-width: 80ch; }
.muted, caption, .note { color: var(--muted); }
.note { font-size: 0.9em; }
.summary { border: 1px solid var(--line); border-radius: 8px; padding: 4px 20px 12px;
           background: #fafafb; }
.summary li { margin: 4px 0; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 0.92em; }
caption { text-align: left; padding: 4px 0; font-size: 0.95em; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left;
         vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.rate-ci { color: var(--muted); font-size: 0.88em; margin-left: 4px; }
.badge { display: inline-block; border-radius: 4px; padding: 0 8px; font-weight: 600;
         font-size: 0.85em; color: #fff; }
.badge.pass { background: var(--good); } .badge.fail { background: var(--bad); }
.gates li { list-style: none; margin-left: -20px; }
.control { position: sticky; top: 0; z-index: 10; background: #fff; border: 1px solid var(--line);
           border-radius: 8px; padding: 8px 16px; margin: 16px 0; display: flex; gap: 16px;
           align-items: center; flex-wrap: wrap; box-shadow: 0 1px 4px rgba(0,0,0,.06); }
.control input[type=range] { flex: 1 1 320px; }
.control output { font-weight: 600; font-variant-numeric: tabular-nums; }
.chart { width: 100%; min-height: 120px; margin: 8px 0 16px; }
.print-only { display: none; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
@media (max-width: 900px) { .grid2 { grid-template-columns: 1fr; } }
dl.prov { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; font-size: 0.9em; }
dl.prov dt { color: var(--muted); } dl.prov dd { margin: 0; overflow-wrap: anywhere; }
code, .cmd { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.88em; }
.cmd { background: #f3f3f5; padding: 8px; border-radius: 4px; display: block;
       overflow-wrap: anywhere; white-space: pre-wrap; }
.warn { border-left: 4px solid #c58a00; padding: 2px 12px; background: #fff8e6; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  header p { margin: 2px 0 6px; }
  .no-print, .control input, .control button, .modebar-container { display: none !important; }
  .control { position: static; box-shadow: none; border: none; padding: 0; margin: 8px 0; }
  .detail { break-before: page; }
  h2, h3 { break-after: avoid; }
  /* the summary may be longer than a page: it flows; its parts stay whole */
  .summary { padding: 0 12px 4px; font-size: 9.5pt; }
  .summary li, .summary p, .gates { break-inside: avoid; }
  table, figure, .chart, dl.prov, .keep, img { break-inside: avoid; }
  .grid2 { grid-template-columns: 1fr 1fr; gap: 8px; }
  .chart { display: none; }
  img.print-only { display: block; width: 100%; height: auto; margin: 6px 0 12px; }
  table { font-size: 9pt; } th, td { padding: 3px 6px; }
  td.num { white-space: normal; } .rate-ci { display: block; margin-left: 0; }
  a { color: inherit; text-decoration: none; }
}
"""
