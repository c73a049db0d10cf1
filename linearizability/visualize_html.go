package linearizability

import "html/template"

// timelineTemplate is the page VisualizeWithOptions writes. It is also
// well-formed XML (every element closed, the script in a CDATA section),
// so a test can check its structure with encoding/xml. Script is the
// trusted constant timelineScript preceded by the data as HTML-escaped
// JSON (see writePage).
const timelineTemplate = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<title>Linearizability: {{.Result}}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 16px 24px; color: #1d2330; }
h1 { font-size: 20px; margin: 0 0 8px 0; }
h2 { font-size: 16px; margin: 18px 0 6px 0; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 13px; }
.Ok { background: #2f8f4e; } .Illegal { background: #c0392b; } .Unknown { background: #8a8f98; }
.reason { border-left: 4px solid #c0392b; background: #fbeeee; padding: 6px 10px; margin: 6px 0; max-width: 1100px; }
.leftout { border-left: 4px solid #b9770e; background: #fdf2e0; padding: 6px 10px; margin: 6px 0; max-width: 1100px; }
.note { color: #555; }
.legend span { margin-right: 16px; }
.sw { display: inline-block; width: 14px; height: 10px; border: 1px solid #333; vertical-align: middle; margin-right: 4px; }
svg text { font: 11px system-ui, sans-serif; pointer-events: none; }
.op:hover, .ann:hover { stroke: #000; stroke-width: 2; }
#tip { position: fixed; display: none; max-width: 640px; background: #fffbe6; border: 1px solid #b9a44c;
  padding: 6px 9px; font-size: 13px; box-shadow: 0 2px 6px rgba(0,0,0,.25); word-break: break-all; z-index: 10; }
table { border-collapse: collapse; font-size: 12px; }
td, th { border: 1px solid #ccd; padding: 2px 6px; text-align: left; vertical-align: top; }
td.state { font-family: monospace; max-width: 700px; word-break: break-all; }
tr.hl { background: #fff3b0; } tr.blocked { background: #fbeeee; }
.timeline { display: flex; border: 1px solid #dde; user-select: none; }
.timeline .plot { flex: 1; overflow: hidden; cursor: grab; }
.labels { flex: none; border-right: 1px solid #dde; }
.controls { margin: 4px 0; } .controls button { margin-right: 4px; }
</style>
</head>
<body>
<h1>Linearizability check: <span class="badge {{.Result}}">{{.Result}}</span></h1>
<p class="note">One row per client; each bar is an operation from its call to its return (bars that run off the
right end never returned). The numbered points, joined by a line, are the linearization found (for an Illegal
history the longest partial one); hover an operation for its times, its step and the states before and after
it. Rows above the clients, and shaded bands, are annotations (faults and other events). Times are since the
first call of the history. Zoom with the buttons or Ctrl + mouse wheel (or pinch); pan by dragging or with
Shift + mouse wheel.</p>
<p class="legend">
<span><i class="sw" style="background:#8fc9a3"></i>linearized</span>
<span><i class="sw" style="background:#e74c3c"></i>first operation that could not be placed</span>
<span><i class="sw" style="background:#d5d8de"></i>not placed</span>
<span><i class="sw" style="background:#eef0f3;border-style:dashed"></i>never returned, not taken into effect</span>
</p>
<div id="leftout"></div>
<p><label>Show: <select id="filter"></select></label></p>
<div id="parts"></div>
<div id="tip"></div>
<script>{{.Script}}</script>
</body>
</html>
`

// timelineScript draws the timeline from DATA (see page in
// visualize_data.go). It uses no network and no libraries.
const timelineScript template.JS = `
"use strict";
const NS = "http://www.w3.org/2000/svg";
const tip = document.getElementById("tip");
const AXIS_HEIGHT = 24, ANNOTATION_ROW = 20, LANE = 26, LABEL_WIDTH = 96;

// --- Small DOM helpers.
function svgEl(tag, attrs, parent) {
  const e = document.createElementNS(NS, tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  return e;
}
function htmlEl(tag, text, parent, cls) {
  const e = document.createElement(tag);
  if (text !== null) e.textContent = text;
  if (cls) e.className = cls;
  if (parent) parent.appendChild(e);
  return e;
}
function showTip(evt, lines) {
  tip.textContent = "";
  lines.forEach(function (l, i) { const d = htmlEl("div", l, tip); if (i === 0) d.style.fontWeight = "bold"; });
  tip.style.display = "block";
  const x = Math.min(evt.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
  tip.style.left = Math.max(4, x) + "px";
  tip.style.top = Math.min(evt.clientY + 14, window.innerHeight - tip.offsetHeight - 4) + "px";
}
function hideTip() { tip.style.display = "none"; }
function shorten(s, n) {
  return s.length <= n ? s : s.slice(0, n) + "\u2026 (" + s.length + " characters; the table below has all)";
}

// --- Times. History times are in units of DATA.nsPerUnit nanoseconds,
// relative to the first call of the history.
function msText(t) {
  const ms = t * DATA.nsPerUnit / 1e6;
  return ms.toFixed(Math.abs(ms) >= 1 ? 3 : 6) + " ms";
}
// niceStep returns the tick spacing in nanoseconds: 1, 2 or 5 times a
// power of ten, at least span / count.
function niceStep(span, count) {
  const raw = Math.max(span / count, 1e-9), p = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}
// tickUnit picks the unit of the tick labels: the largest that the
// times in view reach, unless the ticks are so close that it would need
// more than four decimals.
function tickUnit(largest, step) {
  const units = [[1e9, "s"], [1e6, "ms"], [1e3, "\u00b5s"], [1, "ns"]];
  return units.find(function (u) { return u[0] === 1 || (largest >= u[0] && step * 1e4 >= u[0]); });
}
function tickText(ns, step, unit) {
  const decimals = Math.max(0, Math.ceil(-Math.log10(step / unit[0]) - 1e-9));
  return (ns / unit[0]).toFixed(Math.min(decimals, 9)) + " " + unit[1];
}

// --- Decoding the packed data (see pagePartition and textList).
function decodeTexts(entries) {
  const out = [];
  entries.forEach(function (e, i) {
    if (typeof e === "string") out.push(e);
    else if (typeof e === "number") out.push(out[i - e]);
    else out.push(out[i - e[0]].slice(0, e[1]) + e[2]);
  });
  return out;
}
function decodePartition(p) {
  const texts = decodeTexts(p.texts), n = p.ops.length / 3, ops = [];
  let call = 0;
  for (let i = 0; i < n; i++) {
    call += p.ops[3 * i + 1];
    const d = p.ops[3 * i + 2];
    ops.push({ client: p.ops[3 * i], call: call, ret: d < 0 ? null : call + d, text: texts[i], step: -1 });
  }
  p.steps.forEach(function (i, k) { ops[i].step = k; });
  p.opList = ops;
  p.states = texts.slice(n); // states[k]: before step k (drawn); states[k + 1]: after it
  p.clients = Array.from(new Set(ops.map(function (o) { return o.client; }))).sort(function (a, b) { return a - b; });
  const times = new Set();
  ops.forEach(function (o) { times.add(o.call); if (o.ret !== null) times.add(o.ret); });
  p.times = Array.from(times).sort(function (a, b) { return a - b; });
  if (p.times.length === 0) p.times = [0];
}

// --- The horizontal scale. In "events" spacing every distinct call or
// return time gets the same room (u is its rank, interpolated between
// ranks); in "time" spacing u is the time itself. The view maps u to
// pixels: x = (u - u0) * scale.
function uOf(p, t) {
  if (p.spacing === "time") return t;
  const a = p.times;
  if (t <= a[0]) return t === a[0] ? 0 : -0.5;
  if (t >= a[a.length - 1]) return t === a[a.length - 1] ? a.length - 1 : a.length - 0.5;
  let lo = 0, hi = a.length - 1; // a[lo] <= t < a[hi]
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (a[mid] <= t) lo = mid; else hi = mid; }
  return lo + (t - a[lo]) / (a[hi] - a[lo]);
}
function tOf(p, u) {
  if (p.spacing === "time") return u;
  const a = p.times, i = Math.max(0, Math.min(a.length - 2, Math.floor(u)));
  if (a.length === 1) return a[0];
  return a[i] + (Math.max(0, Math.min(a.length - 1, u)) - i) * (a[i + 1] - a[i]);
}
function uRange(p) { // the u of the first and last event, and of the end of unreturned bars
  const first = uOf(p, p.times[0]), last = uOf(p, p.times[p.times.length - 1]);
  const pad = Math.max((last - first) * 0.03, p.spacing === "time" ? 1 : 1.5);
  return { first: first, last: last, open: last + pad };
}
function fitView(p, width) {
  const r = uRange(p), pad = (r.open - r.first) * 0.02 + 0.5;
  p.view = { u0: r.first - pad, scale: width / (r.open - r.first + 2 * pad) };
}
// readableView shows about 30 events (or the same stretch of real time)
// around the operation that could not be placed, or from the start.
function readableView(p, width) {
  fitView(p, width);
  const events = Math.min(30, p.times.length);
  const span = p.spacing === "time" ? (p.times[events - 1] - p.times[0]) || 1 : events;
  p.view.scale = Math.max(p.view.scale, width / span);
  const focus = p.blocked >= 0 ? uOf(p, p.opList[p.blocked].call) : uOf(p, p.times[0]);
  p.view.u0 = p.blocked >= 0 ? focus - width / p.view.scale / 2 : focus - 0.5 * width / p.view.scale / events;
}
function xOf(p, u) { return (u - p.view.u0) * p.view.scale; }
function zoom(p, factor, atX) {
  const u = p.view.u0 + atX / p.view.scale;
  const maxScale = p.spacing === "time" ? 50 : 2000;
  p.view.scale = Math.max(p.minScale, Math.min(maxScale, p.view.scale * factor));
  p.view.u0 = u - atX / p.view.scale;
  redraw(p);
}
function setSpacing(p, spacing) { // keeps the same stretch of time in view
  const w = p.width(), tl = tOf(p, p.view.u0), tr = tOf(p, p.view.u0 + w / p.view.scale);
  p.spacing = spacing;
  fitView(p, w);
  p.minScale = p.view.scale / 2;
  const ul = uOf(p, tl), ur = uOf(p, tr);
  if (ur > ul) p.view = { u0: ul, scale: w / (ur - ul) };
  redraw(p);
}

// --- Layout: rows and lanes. A client normally has one operation at a
// time, but an operation that never returned overlaps its client's later
// ones, so each client row has as many lanes as it needs.
function layOut(p) {
  const lanesOf = {}, lane = [];
  p.clients.forEach(function (c) { lanesOf[c] = []; });
  const order = p.opList.map(function (o, i) { return i; });
  order.sort(function (a, b) { return p.opList[a].call - p.opList[b].call; });
  order.forEach(function (i) {
    const o = p.opList[i], ends = lanesOf[o.client];
    let l = ends.findIndex(function (e) { return e < o.call; });
    if (l === -1) { l = ends.length; ends.push(0); }
    ends[l] = o.ret === null ? Infinity : o.ret;
    lane[i] = l;
  });
  let y = AXIS_HEIGHT + DATA.rows.length * ANNOTATION_ROW + 4;
  const top = {};
  p.clients.forEach(function (c) { top[c] = y; y += Math.max(1, lanesOf[c].length) * LANE + 6; });
  p.layout = { lane: lane, top: top, lanes: lanesOf, clientsTop: AXIS_HEIGHT + DATA.rows.length * ANNOTATION_ROW,
    height: y + 8 };
}
function yOf(p, i) { return p.layout.top[p.opList[i].client] + p.layout.lane[i] * LANE; }

// --- Tooltips.
function opTip(p, i) {
  const o = p.opList[i], k = o.step, last = p.steps.length;
  const lines = [o.text, "client " + o.client + ", called at " + msText(o.call) + ", " +
    (o.ret === null ? "never returned" : "returned at " + msText(o.ret) + " (took " + msText(o.ret - o.call) + ")")];
  if (k >= 0) {
    lines.push("step " + (p.firstStep + k + 1) + " of " + (p.firstStep + last) + (p.complete ? "" : " (partial linearization)"));
    lines.push("state before: " + shorten(p.states[k], 300));
    lines.push("state after: " + shorten(p.states[k + 1], 300));
  } else if (i === p.blocked) {
    lines.push("could not be placed after step " + (p.firstStep + last) + ", in state " + shorten(p.states[last], 300));
  } else if (o.ret === null) {
    lines.push("never returned; not taken into effect here");
  } else {
    lines.push("not placed");
  }
  return lines;
}
function annotationTip(a) {
  const when = a.end > a.start ? "from " + msText(a.start) + " to " + msText(a.end) + " (" + msText(a.end - a.start) + ")"
    : "at " + msText(a.start);
  const lines = [a.label || "(annotation)", when];
  if (a.details) lines.push(a.details);
  return lines;
}

// --- Drawing. Only what is in view is drawn, so that zooming and panning
// stay fast on long histories.
function redraw(p) {
  if (p.pending) return;
  p.pending = true;
  window.requestAnimationFrame(function () { p.pending = false; drawNow(p); });
}
function drawNow(p) {
  const svg = p.svg, w = p.width();
  svg.setAttribute("width", w);
  svg.setAttribute("data-range", tOf(p, p.view.u0) + " " + tOf(p, p.view.u0 + w / p.view.scale)); // the times in view
  svg.textContent = "";
  p.clients.forEach(function (c, r) {
    const h = Math.max(1, p.layout.lanes[c].length) * LANE + 6;
    svgEl("rect", { x: 0, y: p.layout.top[c] - 3, width: w, height: h, fill: r % 2 ? "#f6f7f9" : "#ffffff" }, svg);
  });
  drawBands(p, svg, w);
  drawAxis(p, svg, w);
  drawAnnotationRows(p, svg, w);
  drawOps(p, svg, w);
  drawPath(p, svg, w);
}
function visible(x1, x2, w) { return x2 >= -50 && x1 <= w + 50; }
function clip(x, w) { return Math.max(-60, Math.min(w + 60, x)); }
// drawAxis draws the time axis. With time spacing the ticks are at round
// times; with even spacing, round times would crowd into busy stretches,
// so the ticks are at every few events and show those events' times.
function drawAxis(p, svg, w) {
  svgEl("line", { x1: 0, y1: AXIS_HEIGHT - 4, x2: w, y2: AXIS_HEIGHT - 4, stroke: "#99a" }, svg);
  const ns = DATA.nsPerUnit, ticks = [];
  if (p.spacing === "time") {
    const tl = tOf(p, p.view.u0), tr = tOf(p, p.view.u0 + w / p.view.scale);
    const step = niceStep((tr - tl) * ns, Math.max(2, w / 110));
    for (let t = Math.ceil(tl * ns / step) * step; t <= tr * ns; t += step) ticks.push(t / ns);
  } else {
    const every = Math.max(1, niceStep(100 / p.view.scale, 1));
    const first = Math.max(0, Math.ceil(p.view.u0 / every) * every);
    const last = Math.min(p.times.length - 1, p.view.u0 + w / p.view.scale);
    for (let u = first; u <= last; u += every) ticks.push(p.times[u]);
  }
  let closest = Infinity;
  for (let k = 1; k < ticks.length; k++) closest = Math.min(closest, ticks[k] - ticks[k - 1]);
  const largest = ticks.reduce(function (m, t) { return Math.max(m, Math.abs(t)); }, 0) * ns;
  const precision = isFinite(closest) && closest > 0 ? closest * ns : Math.max(largest / 1000, 1);
  const unit = tickUnit(largest, precision);
  ticks.forEach(function (t) {
    const x = xOf(p, uOf(p, t));
    svgEl("line", { x1: x, y1: AXIS_HEIGHT - 8, x2: x, y2: p.layout.height, stroke: "#e3e6ec" }, svg);
    svgEl("text", { x: x + 2, y: AXIS_HEIGHT - 9, fill: "#556" }, svg).textContent = tickText(t * ns, precision, unit);
  });
}
function drawBands(p, svg, w) {
  DATA.annotations.forEach(function (a) {
    if (a.row !== -1) return;
    const x1 = xOf(p, uOf(p, a.start)), x2 = Math.max(xOf(p, uOf(p, a.end)), x1 + 2);
    if (!visible(x1, x2, w)) return;
    const band = svgEl("rect", { x: clip(x1, w), y: AXIS_HEIGHT - 4, width: clip(x2, w) - clip(x1, w),
      height: p.layout.height - AXIS_HEIGHT + 4, fill: a.color || "#7c8aa5", "fill-opacity": 0.13, "class": "ann" }, svg);
    band.addEventListener("mousemove", function (e) { showTip(e, annotationTip(a)); });
    band.addEventListener("mouseleave", hideTip);
  });
}
function drawAnnotationRows(p, svg, w) {
  DATA.annotations.forEach(function (a) {
    if (a.row === -1) return;
    const y = AXIS_HEIGHT + a.row * ANNOTATION_ROW + 2, color = a.color || "#7c8aa5";
    const x1 = xOf(p, uOf(p, a.start)), x2 = xOf(p, uOf(p, a.end));
    if (!visible(x1, x2, w)) return;
    let shape;
    if (a.end > a.start) {
      shape = svgEl("rect", { x: clip(x1, w), y: y, width: Math.max(2, clip(x2, w) - clip(x1, w)), height: ANNOTATION_ROW - 4,
        rx: 2, fill: color, "fill-opacity": 0.55, stroke: color, "class": "ann" }, svg);
    } else {
      shape = svgEl("path", { d: "M" + (x1 - 5) + " " + y + " h10 l-5 8 z M" + (x1 - 1) + " " + y + " h2 v" +
        (ANNOTATION_ROW - 4) + " h-2 z", fill: color, "class": "ann" }, svg);
    }
    const room = a.end > a.start ? clip(x2, w) - Math.max(0, x1) : 200;
    const chars = Math.floor((room - 8) / 6.2);
    if (chars >= 3 && a.label) {
      const at = a.end > a.start ? Math.max(0, x1) + 3 : x1 + 6;
      svgEl("text", { x: at, y: y + 12 }, svg).textContent =
        a.label.length > chars ? a.label.slice(0, chars - 1) + "\u2026" : a.label;
    }
    shape.addEventListener("mousemove", function (e) { showTip(e, annotationTip(a)); });
    shape.addEventListener("mouseleave", hideTip);
  });
}
function opStyle(p, o, i) {
  if (i === p.blocked) return { fill: "#e74c3c", stroke: "#7b1d13", dash: "" };
  if (o.step >= 0) return { fill: "#8fc9a3", stroke: "#2f6f45", dash: "" };
  if (o.ret === null) return { fill: "#eef0f3", stroke: "#6b7280", dash: "4 3" };
  return { fill: "#d5d8de", stroke: "#6b7280", dash: "" };
}
function opBar(p, o) { // pixel extent of an operation's bar
  const x1 = xOf(p, uOf(p, o.call));
  const x2 = o.ret === null ? xOf(p, uRange(p).open) : Math.max(xOf(p, uOf(p, o.ret)), x1 + 3);
  return [x1, x2];
}
function drawOps(p, svg, w) {
  p.opList.forEach(function (o, i) {
    const b = opBar(p, o);
    if (!visible(b[0], b[1], w)) return;
    const x1 = clip(b[0], w), x2 = clip(b[1], w), y = yOf(p, i), s = opStyle(p, o, i);
    const rect = svgEl("rect", { x: x1, y: y, width: x2 - x1, height: 20, rx: 3, fill: s.fill, stroke: s.stroke,
      "stroke-dasharray": s.dash, "class": i === p.blocked ? "op unplaced" : "op" }, svg);
    const chars = Math.floor((Math.min(x2, w) - Math.max(x1, 0) - 6) / 6.2);
    if (chars >= 3) {
      const label = o.text.length > chars ? o.text.slice(0, chars - 1) + "\u2026" : o.text;
      svgEl("text", { x: Math.max(x1, 0) + 4, y: y + 14 }, svg).textContent = label;
    }
    if (o.ret === null) svgEl("path", { d: "M" + x2 + " " + (y + 4) + " l8 6 l-8 6 z", fill: s.stroke }, svg);
    if (i === p.blocked) {
      svgEl("text", { x: x2 + 4, y: y + 14, fill: "#c0392b" }, svg).textContent = "\u2717 cannot be placed";
    }
    rect.addEventListener("mousemove", function (e) { if (!p.drag) showTip(e, opTip(p, i)); });
    rect.addEventListener("mouseenter", function () { if (p.rows[i]) p.rows[i].classList.add("hl"); });
    rect.addEventListener("mouseleave", function () { hideTip(); if (p.rows[i]) p.rows[i].classList.remove("hl"); });
  });
}
// drawPath draws the linearization: each step is a point inside its
// operation's bar, no earlier than the previous step's point.
function drawPath(p, svg, w) {
  let prev = -Infinity;
  const pts = [];
  p.steps.forEach(function (i, k) {
    const b = opBar(p, p.opList[i]);
    let x = Math.max(prev + 3, b[0] + 3);
    if (x > b[1] - 1) x = (Math.max(b[0], prev) + b[1]) / 2;
    prev = x;
    pts.push([x, yOf(p, i) + 10, k]);
  });
  const shown = pts.filter(function (q, k) {
    return visible(q[0], q[0], w) || (k + 1 < pts.length && visible(q[0], pts[k + 1][0], w)) ||
      (k > 0 && visible(pts[k - 1][0], q[0], w));
  });
  if (shown.length > 1) {
    svgEl("polyline", { points: shown.map(function (q) { return q[0] + "," + q[1]; }).join(" "), fill: "none",
      stroke: "#1f4e9c", "stroke-width": 1.5, "stroke-opacity": 0.7 }, svg);
  }
  let lastLabel = -Infinity;
  shown.forEach(function (q) {
    if (!visible(q[0], q[0], w)) return;
    svgEl("circle", { cx: q[0], cy: q[1], r: 3.5, fill: "#1f4e9c" }, svg);
    if (q[0] - lastLabel < 14) return; // numbers of steps closer than this would overlap
    lastLabel = q[0];
    svgEl("text", { x: q[0] + 4, y: q[1] - 3, fill: "#1f4e9c" }, svg).textContent = String(p.firstStep + q[2] + 1);
  });
}
function drawLabels(p, box) {
  const labels = svgEl("svg", { width: LABEL_WIDTH, height: p.layout.height, "class": "labels" }, box);
  svgEl("text", { x: 6, y: AXIS_HEIGHT - 9, fill: "#556" }, labels).textContent = "time";
  DATA.rows.forEach(function (name, r) {
    svgEl("text", { x: 6, y: AXIS_HEIGHT + r * ANNOTATION_ROW + 14 }, labels).textContent = name;
  });
  p.clients.forEach(function (c, r) {
    const h = Math.max(1, p.layout.lanes[c].length) * LANE + 6;
    svgEl("rect", { x: 0, y: p.layout.top[c] - 3, width: LABEL_WIDTH, height: h, fill: r % 2 ? "#f6f7f9" : "#ffffff" }, labels);
    svgEl("text", { x: 6, y: p.layout.top[c] + 14 }, labels).textContent = "client " + c;
  });
}

// --- Interaction: buttons, wheel and dragging.
function addControls(p, parent) {
  const bar = htmlEl("div", null, parent, "controls");
  const button = function (text, title, action) {
    const b = htmlEl("button", text, bar);
    b.title = title;
    b.addEventListener("click", action);
  };
  button("\u2212", "zoom out", function () { zoom(p, 1 / 1.6, p.width() / 2); });
  button("+", "zoom in", function () { zoom(p, 1.6, p.width() / 2); });
  button("whole history", "fit the whole history in view", function () { fitView(p, p.width()); redraw(p); });
  button("reset", "back to the first view", function () { readableView(p, p.width()); redraw(p); });
  if (p.blocked >= 0) {
    button("go to the unplaced operation", "centre the operation that could not be placed", function () {
      p.view.u0 = uOf(p, p.opList[p.blocked].call) - p.width() / p.view.scale / 2;
      redraw(p);
      p.svg.scrollIntoView({ block: "center" });
    });
  }
  const label = htmlEl("label", " spacing: ", bar), select = htmlEl("select", null, label);
  [["events", "events evenly"], ["time", "in proportion to time"]].forEach(function (o) {
    htmlEl("option", o[1], select).value = o[0];
  });
  select.addEventListener("change", function () { setSpacing(p, select.value); });
}
function addPanAndZoom(p, plot) {
  plot.addEventListener("wheel", function (e) {
    const x = e.clientX - plot.getBoundingClientRect().left;
    if (e.ctrlKey || e.metaKey) {
      e.preventDefault();
      zoom(p, Math.exp(-e.deltaY * 0.002), x);
    } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      e.preventDefault();
      p.view.u0 += (e.deltaX || e.deltaY) / p.view.scale;
      redraw(p);
    }
  }, { passive: false });
  plot.addEventListener("mousedown", function (e) {
    p.drag = { x: e.clientX, u0: p.view.u0 };
    hideTip();
  });
  window.addEventListener("mousemove", function (e) {
    if (!p.drag) return;
    p.view.u0 = p.drag.u0 - (e.clientX - p.drag.x) / p.view.scale;
    redraw(p);
  });
  window.addEventListener("mouseup", function () { p.drag = null; });
}

// --- The table of steps, built when it is first opened.
function drawSteps(p, parent) {
  const det = htmlEl("details", null, parent);
  const what = p.complete ? "Linearization" : "Longest partial linearization";
  htmlEl("summary", what + " (" + (p.firstStep + p.steps.length) + " steps" +
    (p.firstStep > 0 ? ", from step " + (p.firstStep + 1) + " on drawn" : "") + ")", det);
  let built = false;
  det.addEventListener("toggle", function () {
    if (built || !det.open) return;
    built = true;
    const table = htmlEl("table", null, det);
    const head = htmlEl("tr", null, table);
    ["step", "client", "operation", "state after"].forEach(function (h) { htmlEl("th", h, head); });
    const init = htmlEl("tr", null, table);
    [String(p.firstStep), "", p.firstStep ? "(state before step " + (p.firstStep + 1) + ")" : "(initial state)", p.states[0]]
      .forEach(function (v, k) { htmlEl("td", v, init, k === 3 ? "state" : ""); });
    p.steps.forEach(function (i, k) {
      const tr = htmlEl("tr", null, table), o = p.opList[i];
      [String(p.firstStep + k + 1), String(o.client), o.text, p.states[k + 1]]
        .forEach(function (v, c) { htmlEl("td", v, tr, c === 3 ? "state" : ""); });
      p.rows[i] = tr;
    });
    if (p.blocked >= 0) {
      const tr = htmlEl("tr", null, table, "blocked"), o = p.opList[p.blocked];
      ["\u2717", String(o.client), o.text, "cannot be placed"].forEach(function (v) { htmlEl("td", v, tr); });
      p.rows[p.blocked] = tr;
    }
  });
  det.open = p.steps.length <= 40;
}

// --- A partition's section, drawn the first time it is shown.
function drawPartition(p, sec) {
  const h = htmlEl("h2", p.label + " ", sec);
  htmlEl("span", p.result, h, "badge " + p.result);
  if (p.result === "Unknown") htmlEl("p", "No verdict for this partition: its search was stopped (timeout, or another partition was Illegal first).", sec, "note");
  if (p.reason) htmlEl("div", p.reason, sec, "reason");
  if (p.note) htmlEl("div", "Not everything is drawn: " + p.note + ".", sec, "leftout");
  if (p.ops.length === 0) return;
  decodePartition(p);
  p.spacing = "events";
  p.rows = [];
  layOut(p);
  addControls(p, sec);
  const box = htmlEl("div", null, sec, "timeline");
  drawLabels(p, box);
  const plot = htmlEl("div", null, box, "plot");
  p.svg = svgEl("svg", { height: p.layout.height }, plot);
  p.width = function () { return Math.max(200, plot.clientWidth); };
  fitView(p, p.width());
  p.minScale = p.view.scale / 2;
  readableView(p, p.width());
  addPanAndZoom(p, plot);
  drawSteps(p, htmlEl("div", null, sec));
  drawNow(p);
}
(function main() {
  const container = document.getElementById("parts"), filter = document.getElementById("filter");
  if (DATA.leftOut) htmlEl("div", "Not everything is drawn: " + DATA.leftOut + ".", document.getElementById("leftout"), "leftout");
  htmlEl("option", "all partitions (" + DATA.partitions.length + ")", filter).value = "all";
  const sections = DATA.partitions.map(function (p, i) {
    const opt = htmlEl("option", p.label + " \u2014 " + p.result + " (" + p.totalOps + " ops)", filter);
    opt.value = String(i);
    return htmlEl("section", null, container);
  });
  function show() {
    DATA.partitions.forEach(function (p, i) {
      const on = filter.value === "all" || filter.value === String(i);
      sections[i].style.display = on ? "" : "none";
      if (on && !p.drawn) { p.drawn = true; drawPartition(p, sections[i]); }
    });
  }
  filter.addEventListener("change", show);
  if (DATA.partitions.length > 1 && DATA.partitions[0].result === "Illegal") filter.value = "0";
  show();
  window.addEventListener("resize", function () {
    DATA.partitions.forEach(function (p) { if (p.svg) redraw(p); });
  });
})();
`
