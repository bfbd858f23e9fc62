// The slider protocol shared by the dashboard's live components (threshold, strength) over
// Streamlit's components v1 messages, no build step. A move is drawn at the next animation
// frame; Python hears the value only when the slider is let go: at pointer-up after a drag,
// or RELEASE_MS after the last key press (a drag held still is not a release). The reruns of
// our own releases come back in order, possibly after newer ones: they never move the slider
// back; only a value set elsewhere (a link, new data, another screen) does.
// field: the payload's and the released value's key ("threshold" or "strength");
// hooks.render(payload): a new payload arrived; hooks.draw(value): draw at value (a promise).
function fairdashControl(slider, field, hooks) {
  "use strict";
  var RELEASE_MS = 300;
  var version = null, lastSent = null, timer = null, queued = false, dragging = false;
  var pending = [];  // values sent whose rerun has not come back
  var nonce = Math.random().toString(36).slice(2), sent = 0;
  function post(type, extra) {
    var msg = {isStreamlitMessage: true, apiVersion: 1, type: "streamlit:" + type};
    Object.keys(extra || {}).forEach(function (k) { msg[k] = extra[k]; });
    window.parent.postMessage(msg, "*");
  }
  function height() { post("setFrameHeight", {height: document.body.scrollHeight + 8}); }
  function release() {
    timer = null;
    var v = Number(slider.value), value = {id: nonce + "-" + (sent + 1)};
    if (lastSent !== null && Math.abs(v - lastSent) < 1e-9) { return; }
    lastSent = v;
    pending.push(v);
    sent += 1;
    value[field] = v;
    post("setComponentValue", {value: value, dataType: "json"});
  }
  function moved() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (!dragging) { timer = setTimeout(release, RELEASE_MS); }  // keys: rest means let go
    if (queued) { return; }
    queued = true;  // one redraw per frame however fast the slider moves
    window.requestAnimationFrame(function () { queued = false; hooks.draw(Number(slider.value)); });
  }
  function letGo() { if (dragging) { dragging = false; release(); } }
  slider.addEventListener("input", moved);
  slider.addEventListener("keydown", function () {
    if (timer) { clearTimeout(timer); timer = setTimeout(release, RELEASE_MS); }
  });
  slider.addEventListener("pointerdown", function () {
    dragging = true;
    if (timer) { clearTimeout(timer); timer = null; }
  });
  window.addEventListener("pointerup", letGo);
  window.addEventListener("pointercancel", letGo);
  window.addEventListener("message", function (event) {
    if (!event.data || event.data.type !== "streamlit:render") { return; }
    var payload = event.data.args.payload, t = payload[field], echo = -1;
    slider.disabled = Boolean(event.data.disabled);
    pending.forEach(function (x, i) { if (echo < 0 && Math.abs(x - t) < 1e-9) { echo = i; } });
    if (echo >= 0) { pending.splice(0, echo + 1); }
    var elsewhere = echo < 0 && !pending.length && !timer && !dragging &&
        (lastSent === null || Math.abs(t - lastSent) > 1e-9);
    if (payload.version === version && !elsewhere) { return; }
    version = payload.version;
    hooks.render(payload);
    if (elsewhere) {
      slider.value = String(t);
      lastSent = t;
    }
    hooks.draw(Number(slider.value));
  });
  window.addEventListener("resize", height);
  post("componentReady");
  height();
  return {post: post, height: height};
}
