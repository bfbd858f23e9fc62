// The Mitigate screen's strength for the post-processing methods with one fit per front (group
// thresholds, barycenter), answered in the browser. Python sends, once per released strength,
// the expected confusion counts of the test rows per group at every strength of the slider's
// grid (fairdash.ui.screens.mitigate_live), the knob's sentence and the decisions changed at
// each, and the before/after figure; moving the slider recomputes the after rates, the gaps and
// their cue, accuracy and the bars with live.js (equal to fairdash.mitigation.before_after).
// When Python hears the strength: control.js. User strings reach the page through textContent,
// or in figures already escaped for plotly.
(function () {
"use strict";
var CONFIG = {displaylogo: false, responsive: true};
var CUES = {"fairer": "▼ fairer", "less fair": "▲ less fair", "unchanged": "= unchanged",
            "better": "better", "worse": "worse"};
function byId(id) { return document.getElementById(id); }

var P = null, L = null, before = null, shownCount = 0, control = null;
var slider = byId("fd-strength");

function text(s) { return s.toFixed(2); }
function signed(v) { return isNaN(v) ? "n/a" : (v >= 0 ? "+" : "") + v.toFixed(3); }
function changeWithCue(delta, verdict) {  // fairdash.ui.format.change_with_cue
  var cue = CUES[verdict] || "";
  if (verdict === "fairer" && delta > 0) { cue = "▲ fairer"; }
  if (verdict === "less fair" && delta < 0) { cue = "▼ less fair"; }
  return (signed(delta) + " " + cue).trim();
}
function thousands(x) { return x.toFixed(0).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
function position(v) {  // the grid's index of strength v (the released one when off grid)
  var at = P.live.tp[0].length - 1;
  for (var i = 0; i < P.strengths.length; i++) {
    if (Math.abs(P.strengths[i] - v) < 1e-9) { return i; }
    if (Math.abs(P.strengths[i] - P.strength) < 1e-9) { at = i; }
  }
  return at;
}
function auc(v) { return v === null ? NaN : v; }
function performance(m, name, at) {
  var o = m.overall;
  if (name === "accuracy") { return o.accuracy; }
  if (name === "balanced_accuracy") { return (o.tpr + o.tnr) / 2; }
  if (name !== "auc") { return o[name]; }
  // the AUC needs scores, not counts: the server's, at strength 0 (the model as it is) and at
  // the released strength; none for decisions (the group thresholds) past 0; else it waits
  if (m === before || P.strengths[at] === 0) { return auc(P.auc[0]); }
  if (Math.abs(P.strengths[at] - P.strength) < 1e-9) { return auc(P.auc[1]); }
  return P.auc[1] === null && P.strength > 0 ? NaN : null;
}
function cell(row, i, value) {
  var td = row.children[i];
  td.textContent = value;
  return td;
}
function rows(id, items) {  // one row per [key, label]: a header cell and three numbers
  var body = document.querySelector(id + " tbody");
  body.textContent = "";
  items.forEach(function (g) {
    var tr = document.createElement("tr"), th = document.createElement("th");
    tr.setAttribute("data-name", g[0]);
    th.textContent = g[1];
    tr.appendChild(th);
    for (var i = 0; i < 3; i++) {
      var td = document.createElement("td");
      td.className = "num";
      tr.appendChild(td);
    }
    body.appendChild(tr);
  });
}

function values(at) {  // what the tables show at grid index at (tests read it too)
  var m = L.measure(at), out = {
    strength: P.strengths[at], m: m, gaps: {}, performance: {}, changed: P.changed[at]};
  P.gaps.forEach(function (g) {
    var b = before.gaps[g[0]], a = m.gaps[g[0]];
    out.gaps[g[0]] = {before: b, after: a, change: changeWithCue(a - b, L.verdict(g[0], b, a))};
  });
  P.performance.forEach(function (r) {  // [name, label, "higher" / "lower" / null]
    var b = performance(before, r[0], 0), a = performance(m, r[0], at);
    var d = (a === null || b === null) ? NaN : a - b, v = "n/a";
    if (r[2] && !isNaN(d)) { v = Math.abs(d) < 5e-4 ? "unchanged" : (d > 0) === (r[2] === "higher") ? "better" : "worse"; }
    out.performance[r[0]] = {before: b, after: a,
                             change: a === null ? "…" : (signed(d) + " " + (CUES[v] || "")).trim()};
  });
  return out;
}

function draw(v) {
  var at = position(v), s = P.strengths[at], x = values(at);
  byId("fd-shown").textContent = byId("fd-caption").textContent = text(s);
  byId("fd-note").hidden = Math.abs(s - P.strength) < 1e-9;
  byId("fd-knob").querySelector("span").textContent = P.knob[at];
  document.querySelectorAll("#fd-gaps tbody tr").forEach(function (row) {
    var g = x.gaps[row.getAttribute("data-name")];
    cell(row, 1, num(g.before));
    cell(row, 2, num(g.after)).setAttribute("data-value", isNaN(g.after) ? "nan" : String(g.after));
    cell(row, 3, g.change);
  });
  document.querySelectorAll("#fd-performance tbody tr").forEach(function (row) {
    var r = x.performance[row.getAttribute("data-name")];
    cell(row, 1, r.before === null ? "n/a" : num(r.before));
    cell(row, 2, r.after === null ? "…" : num(r.after)).setAttribute(
      "data-value", r.after === null || isNaN(r.after) ? "nan" : String(r.after));
    cell(row, 3, r.change);
  });
  var share = P.rows > 0 ? x.changed / P.rows : 0;
  byId("fd-changed").textContent = thousands(P.rows) + " " + (P.rows_phrase || "held-out test rows") + "; " + thousands(x.changed) +
    " decisions (" + (100 * share).toFixed(1) + "%) differ from the base model's" +
    (P.randomised ? " (expected number: decisions are drawn at random)." : ".");
  var f = L.pairsFigure(P.figs.pairs, x.m);
  return Plotly.react(byId("fig-pairs"), f.data, f.layout, CONFIG).then(function () {
    shownCount += 1;  // what the tests and bench/bench_ui.py wait for
    document.body.setAttribute("data-shown", text(s) + "#" + shownCount);
    control.height();
  });
}

function render(payload) {
  P = payload;
  L = fairdashLive(P.live);
  before = L.measure(0);  // strength 0 is the model as it is
  byId("fd-label").textContent = P.label;
  slider.title = P.help;
  byId("fd-note").textContent = P.moved_note;
  rows("#fd-gaps", P.gaps);
  rows("#fd-performance", P.performance);
}

control = fairdashControl(slider, "strength", {render: render, draw: draw});
window.FairDashStrength = {values: function (i) { return values(i); }, position: position,
                           payload: function () { return P; }};
})();
