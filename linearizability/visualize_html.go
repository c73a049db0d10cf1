package linearizability

import "html/template"

// timelineTemplate is the page Visualize writes, up to its script element,
// which writePage writes itself, followed by timelinePageEnd. The page is
// also well-formed XML (every element closed, the script in a CDATA
// section), so a test can check its structure with encoding/xml. The
// script is the data as HTML-escaped JSON followed by the trusted constant
// timelineScript.
const timelineTemplate = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<title>Linearizability: {{.Data.Result}}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 16px 24px; color: #1d2330; }
h1 { font-size: 20px; margin: 0 0 8px 0; }
h2 { font-size: 16px; margin: 18px 0 6px 0; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 13px; }
.Ok { background: #2f8f4e; } .Illegal { background: #c0392b; } .Unknown { background: #8a8f98; }
.reason { border-left: 4px solid #c0392b; background: #fbeeee; padding: 6px 10px; margin: 6px 0; max-width: 1100px; }
.note { color: #555; }
.legend span { margin-right: 16px; }
.sw { display: inline-block; width: 14px; height: 10px; border: 1px solid #333; vertical-align: middle; margin-right: 4px; }
svg text { font: 11px system-ui, sans-serif; pointer-events: none; }
.op:hover { stroke: #000; stroke-width: 2; }
#tip { position: fixed; display: none; max-width: 640px; background: #fffbe6; border: 1px solid #b9a44c;
  padding: 6px 9px; font-size: 13px; box-shadow: 0 2px 6px rgba(0,0,0,.25); word-break: break-all; z-index: 10; }
table { border-collapse: collapse; font-size: 12px; }
td, th { border: 1px solid #ccd; padding: 2px 6px; text-align: left; vertical-align: top; }
td.state { font-family: monospace; max-width: 700px; word-break: break-all; }
tr.hl { background: #fff3b0; } tr.blocked { background: #fbeeee; }
.timeline { display: flex; border: 1px solid #dde; }
.timeline .scroll { overflow-x: auto; flex: 1; }
.labels { flex: none; border-right: 1px solid #dde; }
</style>
</head>
<body>
<h1>Linearizability check: <span class="badge {{.Data.Result}}">{{.Data.Result}}</span></h1>
<p class="note">One row per client; each bar is an operation from its call to its return (bars that run off the
right end never returned). The numbered points, joined by a line, are the linearization found (for an Illegal
history the longest partial one); hover an operation for its step and the state after it.</p>
<p class="legend">
<span><i class="sw" style="background:#8fc9a3"></i>linearized</span>
<span><i class="sw" style="background:#e74c3c"></i>first operation that could not be placed</span>
<span><i class="sw" style="background:#d5d8de"></i>not placed</span>
<span><i class="sw" style="background:#eef0f3;border-style:dashed"></i>never returned, not taken into effect</span>
</p>
<p><label>Show: <select id="filter"></select></label></p>
<div id="parts"></div>
<div id="tip"></div>
`

// timelinePageEnd follows the script element.
const timelinePageEnd = `
</body>
</html>
`

// timelineScript draws the timeline from DATA. It uses no network and no
// libraries.
const timelineScript template.JS = `
const NS = "http://www.w3.org/2000/svg";
const tip = document.getElementById("tip");
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
  tip.style.top = (evt.clientY + 14) + "px";
}
function hideTip() { tip.style.display = "none"; }
function lanesOf(p) {
  const lanes = [], rowOf = {};
  p.Clients.forEach(function (c) { rowOf[c] = []; });
  const order = p.Ops.map(function (o, i) { return i; }).sort(function (a, b) { return p.Ops[a].Start - p.Ops[b].Start; });
  order.forEach(function (i) {
    const o = p.Ops[i], ends = rowOf[o.Client];
    let lane = ends.findIndex(function (e) { return e < o.Start; });
    if (lane === -1) { lane = ends.length; ends.push(0); }
    ends[lane] = o.End;
    lanes[i] = lane;
  });
  let y = 24;
  const top = {};
  p.Clients.forEach(function (c) { top[c] = y; y += Math.max(1, rowOf[c].length) * 26 + 6; });
  return { lanes: lanes, top: top, height: y + 8, laneCount: rowOf };
}
function opTip(p, i) {
  const o = p.Ops[i];
  const lines = [o.Text, "client " + o.Client + ", called at " + o.Call + ", returned " + (o.Unreturned ? "never" : "at " + o.Return)];
  if (o.Step >= 0) {
    lines.push("step " + (o.Step + 1) + " of " + p.Steps.length + (p.Complete ? "" : " (partial linearization)"));
    lines.push("state after: " + p.Steps[o.Step].State);
  } else if (i === p.Blocked) {
    lines.push("could not be placed after the " + p.Steps.length + " steps shown");
  } else if (o.Unreturned) {
    lines.push("never returned; not taken into effect here");
  } else {
    lines.push("not placed");
  }
  return lines;
}
function drawTimeline(p, box, rows) {
  const layout = lanesOf(p);
  const unit = Math.max(16, Math.min(110, 1100 / (p.Times + 1)));
  const width = (p.Times + 1.5) * unit + 130;
  // Client labels in their own column, so they stay when the timeline scrolls.
  const labels = svgEl("svg", { width: 84, height: layout.height, "class": "labels" }, box);
  const scroller = htmlEl("div", null, box, "scroll");
  const svg = svgEl("svg", { width: width, height: layout.height }, scroller);
  const xOf = function (t) { return 10 + t * unit; };
  const yOf = function (i) { return layout.top[p.Ops[i].Client] + layout.lanes[i] * 26; };
  p.Clients.forEach(function (c, r) {
    const h = Math.max(1, layout.laneCount[c].length) * 26 + 6, fill = r % 2 ? "#f6f7f9" : "#ffffff";
    svgEl("rect", { x: 0, y: layout.top[c] - 3, width: width, height: h, fill: fill }, svg);
    svgEl("rect", { x: 0, y: layout.top[c] - 3, width: 84, height: h, fill: fill }, labels);
    svgEl("text", { x: 6, y: layout.top[c] + 14 }, labels).textContent = "client " + c;
  });
  p.Ops.forEach(function (o, i) {
    const x1 = xOf(o.Start), x2 = o.Unreturned ? xOf(p.Times + 0.9) : Math.max(xOf(o.End), x1 + 6);
    let fill = "#d5d8de", stroke = "#6b7280", dash = "";
    if (o.Step >= 0) { fill = "#8fc9a3"; stroke = "#2f6f45"; }
    if (i === p.Blocked) { fill = "#e74c3c"; stroke = "#7b1d13"; }
    if (o.Unreturned && o.Step < 0) { fill = "#eef0f3"; dash = "4 3"; }
    const rect = svgEl("rect", { x: x1, y: yOf(i), width: x2 - x1, height: 20, rx: 3, fill: fill, stroke: stroke,
      "stroke-dasharray": dash, "class": "op" }, svg);
    if (i === p.Blocked) p.blockedRect = rect;
    const chars = Math.floor((x2 - x1 - 6) / 6.2);
    if (chars >= 3) {
      const label = o.Text.length > chars ? o.Text.slice(0, chars - 1) + "\u2026" : o.Text;
      svgEl("text", { x: x1 + 4, y: yOf(i) + 14 }, svg).textContent = label;
    }
    if (o.Unreturned) {
      svgEl("path", { d: "M" + x2 + " " + (yOf(i) + 4) + " l8 6 l-8 6 z", fill: stroke }, svg);
    }
    rect.addEventListener("mousemove", function (e) { showTip(e, opTip(p, i)); });
    rect.addEventListener("mouseenter", function () { if (rows[i]) rows[i].classList.add("hl"); });
    rect.addEventListener("mouseleave", function () { hideTip(); if (rows[i]) rows[i].classList.remove("hl"); });
  });
  drawPath(p, svg, xOf, yOf);
  if (p.Blocked >= 0) {
    // Scroll a long timeline to where the search got stuck.
    scroller.scrollLeft = Math.max(0, xOf(p.Ops[p.Blocked].Start) - scroller.clientWidth / 2);
  }
  return svg;
}
function drawPath(p, svg, xOf, yOf) {
  const pts = p.Steps.map(function (s) { return [xOf(s.Point), yOf(s.Op) + 10]; });
  if (pts.length > 1) {
    svgEl("polyline", { points: pts.map(function (q) { return q.join(","); }).join(" "), fill: "none",
      stroke: "#1f4e9c", "stroke-width": 1.5, "stroke-opacity": 0.7 }, svg);
  }
  pts.forEach(function (q, k) {
    svgEl("circle", { cx: q[0], cy: q[1], r: 3.5, fill: "#1f4e9c" }, svg);
    svgEl("text", { x: q[0] + 4, y: q[1] - 3, fill: "#1f4e9c" }, svg).textContent = String(k + 1);
  });
  if (p.Blocked >= 0) {
    const o = p.Ops[p.Blocked];
    svgEl("text", { x: xOf(o.End) + 4, y: yOf(p.Blocked) + 14, fill: "#c0392b" }, svg).textContent = "\u2717 cannot be placed";
  }
}
function drawSteps(p, parent) {
  const det = htmlEl("details", null, parent);
  det.open = p.Steps.length <= 40;
  htmlEl("summary", (p.Complete ? "Linearization" : "Longest partial linearization") + " (" + p.Steps.length + " steps)", det);
  const table = htmlEl("table", null, det), rows = [];
  const head = htmlEl("tr", null, table);
  ["step", "client", "operation", "state after"].forEach(function (h) { htmlEl("th", h, head); });
  const init = htmlEl("tr", null, table);
  ["0", "", "(initial state)", p.Initial].forEach(function (v, k) { htmlEl("td", v, init, k === 3 ? "state" : ""); });
  p.Steps.forEach(function (s, k) {
    const tr = htmlEl("tr", null, table), o = p.Ops[s.Op];
    [String(k + 1), String(o.Client), o.Text, s.State].forEach(function (v, c) { htmlEl("td", v, tr, c === 3 ? "state" : ""); });
    rows[s.Op] = tr;
  });
  if (p.Blocked >= 0) {
    const tr = htmlEl("tr", null, table, "blocked"), o = p.Ops[p.Blocked];
    ["\u2717", String(o.Client), o.Text, "cannot be placed"].forEach(function (v) { htmlEl("td", v, tr); });
    rows[p.Blocked] = tr;
  }
  return rows;
}
function drawPartition(p, idx, container) {
  const sec = htmlEl("section", null, container);
  sec.id = "part" + idx;
  const h = htmlEl("h2", p.Label + " ", sec);
  htmlEl("span", p.Result, h, "badge " + p.Result);
  if (p.Result === "Unknown") htmlEl("p", "No verdict for this partition: its search was stopped (timeout, or another partition was Illegal first).", sec, "note");
  if (p.Reason) {
    const reason = htmlEl("div", p.Reason + " ", sec, "reason");
    const show = htmlEl("button", "show it", reason);
    show.addEventListener("click", function () {
      if (p.blockedRect) p.blockedRect.scrollIntoView({ block: "center", inline: "center" });
    });
  }
  const box = htmlEl("div", null, sec, "timeline");
  const rowsHolder = htmlEl("div", null, sec);
  const rows = drawSteps(p, rowsHolder);
  drawTimeline(p, box, rows);
}
(function main() {
  const container = document.getElementById("parts"), filter = document.getElementById("filter");
  const all = htmlEl("option", "all partitions (" + DATA.Partitions.length + ")", filter);
  all.value = "all";
  DATA.Partitions.forEach(function (p, i) {
    const opt = htmlEl("option", p.Label + " \u2014 " + p.Result + " (" + p.Ops.length + " ops)", filter);
    opt.value = String(i);
    drawPartition(p, i, container);
  });
  filter.addEventListener("change", function () {
    DATA.Partitions.forEach(function (p, i) {
      document.getElementById("part" + i).style.display = (filter.value === "all" || filter.value === String(i)) ? "" : "none";
    });
  });
  if (DATA.Partitions.length > 1 && DATA.Partitions[0].Result === "Illegal") {
    filter.value = "0";
    filter.dispatchEvent(new Event("change"));
  }
})();
`
