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

The arithmetic and the live parts of the figures are in ``live.js`` beside this file, one
source shared with the dashboard's threshold component (``fairdash.ui.components.threshold``).
"""

from importlib.resources import files

#: the shared maths (``live.js``), spliced into :data:`SCRIPT`
LIVE_JS = files("fairdash.report").joinpath("live.js").read_text(encoding="utf-8")

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

""" + LIVE_JS + r"""
var L = LIVE ? fairdashLive(LIVE) : null, measure = L && L.measure;

// ---- showing the numbers -----------------------------------------------------------------
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
function redrawBars(id, spec, m) {
  // a fresh copy each time: plotly keeps (and changes) the objects it is given
  var f = L.barsFigure(spec, m);
  return Plotly.react(byId(id), f.data, f.layout, CONFIG).then(function () { return later(id); });
}

function redrawRoc(id, spec, m, thr) {
  var f = L.rocFigure(spec, m, thr);
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
