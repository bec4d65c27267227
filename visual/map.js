/* graphsvc phase map: draws the embedded MapData with vis-network.
 *
 * Rules: every user string reaches the page through textContent (or is drawn on the
 * canvas), never parsed as markup; positions come from the server and never change
 * (physics off), so switching phases only hides and shows; every pass over nodes or
 * edges is linear (Maps and Sets, no nested scans).
 *
 * For tests and scripts: window.graphsvcMap (network, setStage, setOrg, setClustered,
 * search, focusNode, counts, visibleNodeIds, visibleEdgeIds) and window.graphsvcReady
 * (true after the first drawing; window.graphsvcReadyAt is its performance.now()).
 */
(function () {
  "use strict";

  var FONT = '"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",' +
    '"Hiragino Sans GB",system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif';
  var envelope = JSON.parse(document.getElementById("graphsvc-data").textContent);
  var data = envelope.map;
  var L = envelope.legend;
  var settings = envelope.settings;

  // -- the data, with the defaults the server left out ----------------------------------
  var nodes = data.nodes || [];
  var edges = data.edges || [];
  var findings = data.findings || [];
  var stages = data.stages || [];
  var organizations = data.organizations || [];
  var staleDays = data.stale_days || 14;
  var clusterThreshold = data.cluster_threshold || 2000;
  var nodeById = new Map();
  var edgeById = new Map();
  var orgById = new Map();
  var stageById = new Map();
  var adjacency = new Map(); // node id -> edges touching it
  organizations.forEach(function (o) {
    o.id = o.id || ""; o.kind = o.kind || "other"; o.role = o.role || "";
    o.engaged = o.engaged !== false;
    orgById.set(o.id, o);
  });
  stages.forEach(function (s) { stageById.set(s.id, s); });
  nodes.forEach(function (n) {
    n.title = n.title || ""; n.org = n.org || ""; n.status = n.status || "active"; n.stage = n.stage || null;
    n.stages = n.stages || []; n.size = n.size || 12; n.language = n.language || ""; n.channels = n.channels || [];
    n.marks = n.marks || []; n.severity = n.severity || null; n.findings = n.findings || [];
    nodeById.set(n.id, n);
    adjacency.set(n.id, []);
  });
  edges.forEach(function (e) {
    e.ref = e.ref || null; e.raci = e.raci || null; e.weight = e.weight || 1; e.channel = e.channel || "";
    e.last_used = e.last_used || null; e.age_days = (e.age_days === undefined) ? null : e.age_days;
    e.stale = !!e.stale; e.current = e.current !== false; e.stages = e.stages || []; e.marks = e.marks || [];
    e.severity = e.severity || null; e.findings = e.findings || [];
    edgeById.set(e.id, e);
    if (adjacency.has(e.source)) adjacency.get(e.source).push(e);
    if (adjacency.has(e.target) && e.target !== e.source) adjacency.get(e.target).push(e);
  });
  findings.forEach(function (f) { f.stages = f.stages || []; f.nodes = f.nodes || []; f.edges = f.edges || []; });

  var SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 };
  var STATUS_TEXT = L.status || {};

  // -- small DOM helpers (text only) -----------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function orgName(id) { var o = orgById.get(id || ""); return o ? o.name : (id || "(no organisation)"); }
  function stageName(id) { var s = stageById.get(id); return s ? s.name : id; }
  function inStage(item, stage) { return !stage || item.stages.indexOf(stage) >= 0; }

  // -- styles ----------------------------------------------------------------------------
  function hexToRgb(hex) {
    var v = parseInt(hex.slice(1), 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }
  function tint(hex, amount) { // mix with white
    var c = hexToRgb(hex);
    return "rgb(" + c.map(function (x) { return Math.round(x + (255 - x) * amount); }).join(",") + ")";
  }
  function rgba(hex, alpha) { var c = hexToRgb(hex); return "rgba(" + c.join(",") + "," + alpha + ")"; }
  function orgColor(id) { var o = orgById.get(id || ""); return o ? o.color : L.no_org_color; }
  function severityColor(sev) { return L.severity[sev] || L.severity.high; }

  function personLabel(n) {
    if (n.status === "left") return n.label + " (" + (STATUS_TEXT.left || "left") + ")";
    if (n.status === "on_leave") return n.label + " (" + (STATUS_TEXT.on_leave || "on leave") + ")";
    return n.label;
  }

  function visNode(n) {
    var v = { id: n.id, x: n.x, y: n.y, label: n.kind === "person" ? personLabel(n) : n.label };
    var font = { face: FONT, size: 16, color: "#1d2330", strokeWidth: 3, strokeColor: "#ffffff" };
    var background, border, borderWidth = 1.5;
    if (n.kind === "duty") {
      v.shape = "box";
      v.margin = 7;
      v.widthConstraint = { maximum: 170 };
      v.shapeProperties = { borderRadius: 3 };
      background = L.duty_color; border = "#c9b458";
      font.strokeWidth = 0; font.size = 14;
      if (n.marks.indexOf("vacuum") >= 0) {
        var sc = severityColor(n.severity);
        background = tint(sc, 0.82); border = sc; borderWidth = 3; font.color = n.severity === "low" ? "#1d2330" : "#8b0000";
      }
      if (n.status === "done") { font.color = "#7a7f87"; border = n.marks.length ? border : "#d8d2b0"; }
    } else {
      v.shape = "dot";
      v.size = n.size;
      var base = orgColor(n.org);
      background = base; border = "#4b5563";
      if (n.status === "left") { background = "#e8e8e8"; border = "#9e9e9e"; font.color = "#7a7f87"; }
      if (n.status === "on_leave") { background = tint(base, 0.6); v.shapeProperties = { borderDashes: [4, 3] }; }
      if (n.marks.indexOf("inactive_owner") >= 0 || n.marks.indexOf("isolated") >= 0 || n.marks.indexOf("overloaded") >= 0) {
        border = severityColor(n.severity); borderWidth = 3.5;
      }
      if (n.marks.indexOf("single_point") >= 0) {
        border = severityColor("high"); borderWidth = 6;
        v.shadow = { enabled: true, color: "rgba(214,39,40,0.55)", size: 16, x: 0, y: 0 };
      }
    }
    v.borderWidth = borderWidth;
    v.borderWidthSelected = borderWidth + 2;
    v.color = { background: background, border: border, highlight: { background: background, border: "#000000" } };
    v.font = font;
    return v;
  }

  function staleOpacity(e) {
    if (e.last_used === null) return 0.18;
    if (e.age_days <= staleDays) return 0.9;
    return Math.max(0.2, 0.9 * staleDays / e.age_days);
  }

  var manyEdges = edges.length > 4000;

  function visEdge(e) {
    var key = e.kind === "raci" ? "raci:" + e.raci : e.kind;
    var s = L.edges[key] || L.edges.communicates;
    var color = s.color, opacity = 1, width = s.width, dashes = s.dashes || false;
    var v = { id: e.id, from: e.source, to: e.target };
    if (s.arrow) v.arrows = { to: { enabled: true, scaleFactor: 0.6 } };
    if (e.kind === "reports_to" || e.kind === "backup_for") {
      v.smooth = { enabled: true, type: e.kind === "reports_to" ? "curvedCW" : "curvedCCW", roundness: 0.18 };
    }
    if (e.kind === "raci") {
      if (!manyEdges) {
        v.label = e.raci;
        v.font = { face: FONT, size: 11, color: s.color, strokeWidth: 3, strokeColor: "#ffffff", align: "middle" };
      }
      if (!e.current) { opacity = 0.35; dashes = [2, 6]; }
    }
    if (e.kind === "communicates") {
      width = 0.8 + 0.8 * Math.min(e.weight, 6);
      opacity = staleOpacity(e);
    }
    if (e.marks.indexOf("conflict") >= 0) { color = severityColor(e.severity); opacity = 1; }
    if (e.marks.indexOf("stale") >= 0) { dashes = [4, 4]; }
    if (e.marks.indexOf("bridge") >= 0) { width += 1.5; }
    if (e.marks.indexOf("broken_handover") >= 0) {
      var gap = L.edges.handover_gap;
      color = gap.color; opacity = 1; dashes = gap.dashes; width = Math.max(width, gap.width);
    }
    v.width = width;
    v.dashes = dashes;
    v.color = { color: color, highlight: "#000000", opacity: opacity, inherit: false };
    return v;
  }

  // -- the network -----------------------------------------------------------------------
  var nodesDS = new vis.DataSet(nodes.map(visNode));
  var edgesDS = new vis.DataSet(edges.map(visEdge));
  var clusterIds = organizations.map(function (o) { return "o:" + o.id; });
  // One node per organisation for the grouped view, sized to its disc so that its name
  // stays readable when a few thousand people are in view.
  nodesDS.add(organizations.map(function (o) {
    return {
      id: "o:" + o.id, x: o.x, y: o.y, shape: "dot", size: Math.max(20, o.radius * 0.3), label: o.name,
      color: { background: o.color, border: "#1d2330", highlight: { background: o.color, border: "#000000" } },
      borderWidth: 2,
      font: { face: FONT, size: Math.max(18, o.radius * 0.2), color: "#1d2330", strokeWidth: 4, strokeColor: "#ffffff" },
    };
  }));

  var state = {
    stage: "", org: "", clustered: false, clusterChosen: false, expanded: new Set(), hiddenDuties: 0,
    nodes: new Set(), edges: new Set(), clusters: new Map(), aggregated: [], discs: [],
  };

  var nodeView = new vis.DataView(nodesDS, { filter: function (item) { return state.nodes.has(item.id); } });
  var edgeView = new vis.DataView(edgesDS, { filter: function (item) { return state.edges.has(item.id); } });

  /* Which nodes and edges the current phase, organisation filter and grouping show:
   * one pass over the nodes, one over the edges. */
  function computeVisible() {
    var stage = state.stage, org = state.org, clustered = state.clustered;
    var visible = new Set(), collapsed = new Map(), clusterSize = new Map(), discCount = new Map();
    nodes.forEach(function (n) {
      if (!inStage(n, stage)) return;
      if (n.kind === "person") {
        if (org && n.org !== org) return;
        if (clustered && !state.expanded.has(n.org)) {
          collapsed.set(n.id, "o:" + n.org);
          clusterSize.set(n.org, (clusterSize.get(n.org) || 0) + 1);
          return;
        }
        discCount.set(n.org, (discCount.get(n.org) || 0) + 1);
      }
      visible.add(n.id);
    });
    if (org || clustered) {
      // Filtered by organisation: only duties someone of it holds in this view. Grouped:
      // only duties with a finding drawn on them, or held by someone of an opened group.
      var held = new Set();
      edges.forEach(function (e) {
        if (e.kind !== "raci" || !inStage(e, stage)) return;
        var holder = nodeById.get(e.source);
        if (org ? holder.org === org : state.expanded.has(holder.org)) held.add(e.target);
      });
      var hidden = 0;
      nodes.forEach(function (n) {
        if (n.kind !== "duty" || !visible.has(n.id) || held.has(n.id)) return;
        if (clustered && !org && n.marks.length) return;
        visible.delete(n.id);
        hidden++;
      });
      state.hiddenDuties = hidden;
    } else {
      state.hiddenDuties = 0;
    }
    var shown = new Set(), aggregate = new Map();
    edges.forEach(function (e) {
      if (!inStage(e, stage)) return;
      if (visible.has(e.source) && visible.has(e.target)) { shown.add(e.id); return; }
      if (!clustered) return;
      var a = visible.has(e.source) ? e.source : collapsed.get(e.source);
      var b = visible.has(e.target) ? e.target : collapsed.get(e.target);
      if (!a || !b || a === b) return;
      var key = a < b ? a + "\u0000" + b : b + "\u0000" + a;
      aggregate.set(key, (aggregate.get(key) || 0) + 1);
    });
    clusterSize.forEach(function (count, id) { visible.add("o:" + id); });
    var aggregated = [];
    aggregate.forEach(function (count, key) {
      var ends = key.split("\u0000");
      var id = "x:" + key.replace("\u0000", "|");
      shown.add(id);
      aggregated.push({
        id: id, from: ends[0], to: ends[1], width: Math.min(1 + Math.log2(count + 1) * 1.5, 12),
        color: { color: "#8a94a6", highlight: "#000000", opacity: 0.6, inherit: false },
        label: count > 1 ? String(count) : undefined,
        font: { face: FONT, size: 12, color: "#4b5563", strokeWidth: 3, strokeColor: "#ffffff" },
        smooth: false,
      });
    });
    state.nodes = visible;
    state.edges = shown;
    state.clusters = clusterSize;
    state.discs = [];
    discCount.forEach(function (count, id) { var o = orgById.get(id); if (o) state.discs.push(o); });
    return aggregated;
  }

  function refresh() {
    var aggregated = computeVisible();
    if (state.aggregated.length) edgesDS.remove(state.aggregated);
    state.aggregated = aggregated.map(function (e) { return e.id; });
    if (aggregated.length) edgesDS.add(aggregated);
    var labels = [];
    state.clusters.forEach(function (count, id) {
      var o = orgById.get(id);
      labels.push({ id: "o:" + id, label: (o ? o.name : id) + " (" + count + ")", size: 14 + 4 * Math.sqrt(count) });
    });
    if (labels.length) nodesDS.update(labels);
    nodeView.refresh();
    edgeView.refresh();
    updateCounts();
    if (panel) panel.refresh();
  }

  var container = document.getElementById("map");
  var big = nodes.length + edges.length > 6000;
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, {
    autoResize: true,
    physics: { enabled: false },
    layout: { improvedLayout: false, randomSeed: 1 },
    nodes: { font: { face: FONT }, scaling: { label: { drawThreshold: 6 } } },
    edges: { smooth: false, selectionWidth: 2, hoverWidth: 0, font: { face: FONT } },
    interaction: {
      hover: false, tooltipDelay: 300, multiselect: false, navigationButtons: false, keyboard: false,
      hideEdgesOnDrag: big, hideEdgesOnZoom: big,
    },
  });

  // Organisation discs under the people, each named on its outer side (canvas text, so
  // never markup), at a constant size on screen.
  network.on("beforeDrawing", function (ctx) {
    if (state.clustered && !state.expanded.size) return;
    ctx.save();
    var fontSize = Math.max(14, 13 / network.getScale());
    ctx.font = "600 " + fontSize + "px " + FONT;
    ctx.fillStyle = "#4b5563";
    state.discs.forEach(function (o) {
      ctx.beginPath();
      ctx.arc(o.x, o.y, o.radius, 0, 2 * Math.PI);
      ctx.fillStyle = rgba(o.color, 0.08);
      ctx.fill();
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = rgba(o.color, 0.45);
      ctx.stroke();
      var length = Math.sqrt(o.x * o.x + o.y * o.y) || 1;
      var cos = o.x / length, sin = o.y / length;
      ctx.textAlign = cos > 0.35 ? "left" : cos < -0.35 ? "right" : "center";
      ctx.textBaseline = sin < -0.35 ? "bottom" : sin > 0.35 ? "top" : "middle";
      ctx.fillStyle = "#4b5563";
      ctx.fillText(o.name, o.x + cos * (o.radius + 6), o.y + sin * (o.radius + 6));
    });
    ctx.restore();
  });

  // -- header: phase buttons, counts -------------------------------------------------------
  var stageButtons = Array.prototype.slice.call(document.querySelectorAll("#stages button[data-stage]"));
  stageButtons.forEach(function (button) {
    button.addEventListener("click", function () { setStage(button.getAttribute("data-stage")); });
  });

  function counts() {
    var people = 0, duties = 0, clustersShown = 0, lines = 0, raci = 0;
    state.nodes.forEach(function (id) {
      var n = nodeById.get(id);
      if (!n) clustersShown++;
      else if (n.kind === "person") people++;
      else duties++;
    });
    state.edges.forEach(function (id) {
      var e = edgeById.get(id);
      if (e && e.kind === "raci") raci++;
      else if (e) lines++;
    });
    var grouped = 0;
    state.clusters.forEach(function (c) { grouped += c; });
    return {
      nodes: people + duties, edges: raci + lines, people: people, duties: duties, raci: raci, lines: lines,
      clusters: clustersShown, grouped: grouped, aggregated: state.aggregated.length,
    };
  }

  function updateCounts() {
    var c = counts();
    var text = c.people + " people · " + c.duties + " duties · " + c.raci + " assignments · " + c.lines + " lines";
    if (c.clusters) text += " · " + c.grouped + " more grouped in " + c.clusters + " organisations";
    if (state.clustered && state.hiddenDuties) text += " · " + state.hiddenDuties + " duties without findings not shown";
    document.getElementById("counts").textContent = text;
  }

  function viewSize(stage) {
    var count = 0;
    nodes.forEach(function (n) { if (inStage(n, stage)) count++; });
    return count;
  }

  var clusterBox = document.getElementById("cluster");
  clusterBox.addEventListener("change", function () {
    state.clusterChosen = true;
    setClustered(clusterBox.checked);
  });

  function setClustered(on) {
    state.clustered = !!on;
    state.expanded = new Set();
    clusterBox.checked = state.clustered;
    refresh();
  }

  function setStage(stage) {
    stage = stage || "";
    if (stage && !stageById.has(stage)) throw new Error("no such stage");
    state.stage = stage;
    stageButtons.forEach(function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-stage") === stage ? "true" : "false");
    });
    if (!state.clusterChosen) {
      state.clustered = viewSize(stage) > clusterThreshold;
      state.expanded = new Set();
      clusterBox.checked = state.clustered;
    }
    refresh();
    var selected = network.getSelectedNodes();
    if (selected.length && !state.nodes.has(selected[0])) { network.unselectAll(); showHint(); }
  }

  var orgFilter = document.getElementById("org-filter");
  orgFilter.addEventListener("change", function () { setOrg(orgFilter.value); });
  function setOrg(org) {
    state.org = org || "";
    orgFilter.value = state.org;
    refresh();
  }

  /* Fit the shown nodes, with room around them for the organisations' names (drawn on the
   * canvas, so unknown to vis-network's own fit). */
  function fit() {
    network.fit({ animation: false });
    network.moveTo({ scale: network.getScale() * 0.85, animation: false });
  }
  document.getElementById("fit").addEventListener("click", fit);

  // -- details panel -------------------------------------------------------------------------
  var details = document.getElementById("details");

  function showHint() {
    clear(details);
    details.appendChild(el("h2", null, "Details"));
    details.appendChild(el("p", "hint", "Click a person, a duty or a line."));
  }

  function addRow(dl, key, value) {
    if (value === null || value === undefined || value === "") return;
    dl.appendChild(el("dt", null, key));
    var dd = el("dd");
    if (value instanceof Node) dd.appendChild(value); else dd.textContent = String(value);
    dl.appendChild(dd);
  }

  function list(items) {
    var ul = el("ul");
    items.forEach(function (item) { ul.appendChild(item instanceof Node ? item : el("li", null, item)); });
    return ul;
  }

  function nodeLink(id, text) {
    var li = el("li");
    var a = el("a", null, text);
    a.href = "#";
    a.addEventListener("click", function (event) { event.preventDefault(); focusNode(id); });
    li.appendChild(a);
    return li;
  }

  var findingByIndex = new Map();
  findings.forEach(function (f) { findingByIndex.set(f.index, f); });
  function findingsOf(indexes) { return indexes.map(function (i) { return findingByIndex.get(i); }).filter(Boolean); }
  function findingItems(indexes) {
    return findingsOf(indexes).map(function (f) {
      var li = el("li");
      li.appendChild(el("span", "sev " + f.severity, f.severity));
      li.appendChild(document.createTextNode(f.explanation));
      li.addEventListener("click", function () { selectFinding(f); });
      return li;
    });
  }

  function showNode(id) {
    var n = nodeById.get(id);
    if (!n) {
      if (id.indexOf("o:") === 0) return showOrg(id.slice(2));
      return;
    }
    clear(details);
    details.appendChild(el("h2", null, n.label));
    var dl = el("dl");
    if (n.kind === "person") {
      addRow(dl, "Title", n.title || "—");
      var o = orgById.get(n.org);
      addRow(dl, "Organisation", orgName(n.org) + (o && o.role ? " · " + o.role : ""));
      addRow(dl, "Status", STATUS_TEXT[n.status] || n.status);
      addRow(dl, "Language", n.language);
      addRow(dl, "Stages", n.stages.map(stageName).join(", ") || "none");
      var channelItems = n.channels.map(function (c) {
        return (c.kind === "preferred" ? "prefers " : c.kind + ": ") + c.value;
      });
      addRow(dl, "Channels", channelItems.length ? list(channelItems) : "—");
      var duties = [], lines = [];
      adjacency.get(n.id).forEach(function (e) {
        if (e.kind === "raci") {
          var d = nodeById.get(e.target);
          duties.push(nodeLink(d.id, e.raci + " · " + d.label + " (" + stageName(d.stage) + ")" + (e.current ? "" : " · ended")));
        } else if (e.kind !== "handover_gap") {
          var other = nodeById.get(e.source === n.id ? e.target : e.source);
          var how = e.kind === "communicates"
            ? "talks with" : e.kind === "reports_to"
              ? (e.source === n.id ? "reports to" : "manages") : (e.source === n.id ? "backs up" : "backed up by");
          var extra = e.kind === "communicates"
            ? (e.channel ? " · " + e.channel : "") + (e.last_used ? " · last " + e.last_used : " · never logged") + (e.stale ? " · stale" : "")
            : "";
          lines.push(nodeLink(other.id, how + " " + other.label + extra));
        }
      });
      addRow(dl, "Duties", duties.length ? list(duties) : "none");
      addRow(dl, "Lines", lines.length ? list(lines.slice(0, 40)) : "none");
    } else {
      addRow(dl, "Stage", stageName(n.stage) + " · " + n.status);
      addRow(dl, "Description", n.title);
      var byLetter = { A: [], R: [], C: [], I: [] };
      adjacency.get(n.id).forEach(function (e) {
        if (e.kind !== "raci") return;
        var p = nodeById.get(e.source);
        byLetter[e.raci].push(nodeLink(p.id, personLabel(p) + " · " + orgName(p.org) + (e.current ? "" : " · ended")));
      });
      addRow(dl, "Accountable", byLetter.A.length ? list(byLetter.A) : "nobody");
      addRow(dl, "Responsible", byLetter.R.length ? list(byLetter.R) : "nobody");
      addRow(dl, "Consulted", byLetter.C.length ? list(byLetter.C) : "");
      addRow(dl, "Informed", byLetter.I.length ? list(byLetter.I) : "");
    }
    if (findingsOf(n.findings).length) addRow(dl, "Findings", list(findingItems(n.findings)));
    details.appendChild(dl);
  }

  function showEdge(id) {
    var e = edgeById.get(id);
    if (!e) return;
    var a = nodeById.get(e.source), b = nodeById.get(e.target);
    clear(details);
    var names = { raci: "Assignment", communicates: "Communicates", reports_to: "Reports to", backup_for: "Backup for", handover_gap: "Broken handover" };
    details.appendChild(el("h2", null, names[e.kind] || e.kind));
    var dl = el("dl");
    addRow(dl, e.kind === "raci" ? "Person" : "From", a.label);
    addRow(dl, e.kind === "raci" ? "Duty" : "To", b.label);
    if (e.kind === "raci") {
      addRow(dl, "RACI", (L.edges["raci:" + e.raci] || {}).label || e.raci);
      addRow(dl, "In force", e.current ? "yes" : "no");
    }
    if (e.kind === "communicates") {
      addRow(dl, "Weight", e.weight);
      addRow(dl, "Channel", e.channel);
      addRow(dl, "Last used", e.last_used ? e.last_used + " (" + e.age_days + " days ago)" : "never recorded");
      addRow(dl, "Stale", e.stale ? "yes (limit " + staleDays + " days)" : "no");
    }
    addRow(dl, "Stages", e.stages.map(stageName).join(", "));
    if (findingsOf(e.findings).length) addRow(dl, "Findings", list(findingItems(e.findings)));
    details.appendChild(dl);
  }

  function showOrg(id) {
    var o = orgById.get(id);
    if (!o) return;
    clear(details);
    details.appendChild(el("h2", null, o.name));
    var dl = el("dl");
    addRow(dl, "Kind", o.kind);
    addRow(dl, "Role", o.role);
    addRow(dl, "Engaged", o.engaged ? "yes" : "no");
    addRow(dl, "People", o.people);
    details.appendChild(dl);
    if (state.clustered && state.expanded.has(id)) {
      var button = el("button", null, "Group again");
      button.type = "button";
      button.addEventListener("click", function () { state.expanded.delete(id); refresh(); showOrg(id); });
      details.appendChild(button);
    }
  }

  function showFinding(f) {
    clear(details);
    var h = el("h2");
    h.appendChild(el("span", "sev " + f.severity, f.severity));
    h.appendChild(document.createTextNode(f.code));
    details.appendChild(h);
    details.appendChild(el("p", null, f.explanation));
    var dl = el("dl");
    addRow(dl, "Remedy", f.remedy);
    if (f.stage) addRow(dl, "Stage", stageName(f.stage));
    addRow(dl, "Concerns", list(f.subjects.map(function (s) {
      var id = s.kind === "contact" ? "c:" + s.id : s.kind === "responsibility" ? "r:" + s.id : null;
      return id && nodeById.has(id) ? nodeLink(id, s.name) : el("li", null, s.kind + ": " + s.name);
    })));
    details.appendChild(dl);
  }

  // -- findings panel: visual/panel.js (window.graphsvcPanel), wired in below ------------------
  var panel = null;

  function selectFinding(f) {
    var ns = f.nodes.filter(function (id) { return state.nodes.has(id); });
    var es = f.edges.filter(function (id) { return state.edges.has(id); });
    network.setSelection({ nodes: ns, edges: es }, { unselectAll: true, highlightEdges: false });
    if (ns.length) network.fit({ nodes: ns, animation: false, maxZoomLevel: 1.2 });
    showFinding(f);
  }

  // -- search ---------------------------------------------------------------------------------
  var searchBox = document.getElementById("search");
  var results = document.getElementById("search-results");

  function search(query) {
    var q = String(query || "").trim().toLowerCase();
    if (!q) return [];
    var hits = [];
    nodes.forEach(function (n) {
      var hay = n.kind === "person" ? n.label + "\n" + n.title + "\n" + orgName(n.org) : n.label + "\n" + n.title;
      var at = hay.toLowerCase().indexOf(q);
      if (at < 0) return;
      var nameHit = n.label.toLowerCase().indexOf(q) >= 0 ? 0 : 1;
      hits.push({ node: n, rank: [nameHit, state.nodes.has(n.id) ? 0 : 1, n.kind === "person" ? 0 : 1] });
    });
    hits.sort(function (a, b) {
      for (var i = 0; i < 3; i++) if (a.rank[i] !== b.rank[i]) return a.rank[i] - b.rank[i];
      return a.node.label < b.node.label ? -1 : a.node.label > b.node.label ? 1 : 0;
    });
    return hits.slice(0, 25).map(function (h) { return h.node; });
  }

  function showResults() {
    var found = search(searchBox.value);
    clear(results);
    if (!searchBox.value.trim()) { results.hidden = true; return; }
    if (!found.length) results.appendChild(el("li", "empty", "No match"));
    found.forEach(function (n, i) {
      var li = el("li", i === 0 ? "active" : null);
      li.setAttribute("role", "option");
      li.setAttribute("data-node", n.id);
      li.appendChild(el("span", "name", n.kind === "person" ? personLabel(n) : n.label));
      var sub = n.kind === "person"
        ? [n.title, orgName(n.org)].filter(Boolean).join(" · ")
        : "duty · " + stageName(n.stage);
      if (!state.nodes.has(n.id)) sub += " · not in this view";
      li.appendChild(el("span", "sub", sub));
      li.addEventListener("mousedown", function (event) { event.preventDefault(); pick(n.id); });
      results.appendChild(li);
    });
    results.hidden = false;
  }

  function pick(id) {
    results.hidden = true;
    focusNode(id);
  }

  searchBox.addEventListener("input", showResults);
  searchBox.addEventListener("focus", showResults);
  searchBox.addEventListener("blur", function () { results.hidden = true; });
  searchBox.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      var first = search(searchBox.value)[0];
      if (first) pick(first.id);
    } else if (event.key === "Escape") {
      results.hidden = true;
    }
  });

  /* Select and centre a node, changing the view if it is not shown in it. */
  function focusNode(id) {
    var n = nodeById.get(id);
    if (!n) return false;
    if (state.stage && !inStage(n, state.stage)) setStage("");
    if (n.kind === "person" && state.org && n.org !== state.org) setOrg("");
    if (n.kind === "person" && state.clustered && !state.expanded.has(n.org)) {
      state.expanded.add(n.org);
      refresh();
    }
    if (!state.nodes.has(id)) return false;
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    showNode(id);
    return true;
  }

  // -- clicks -----------------------------------------------------------------------------------
  network.on("click", function (params) {
    if (params.nodes.length) {
      var id = params.nodes[0];
      if (id.indexOf("o:") === 0 && state.clustered) {
        state.expanded.add(id.slice(2));
        refresh();
        showOrg(id.slice(2));
        return;
      }
      showNode(id);
    } else if (params.edges.length) {
      showEdge(params.edges[0]);
    } else {
      showHint();
    }
  });

  // -- hook: the findings panel and keyboard access (visual/panel.js) ---------------------------
  if (window.graphsvcPanel) {
    panel = window.graphsvcPanel.init({
      data: data, legend: L,
      stage: function () { return state.stage; },
      setStage: setStage,
      org: function () { return state.org; },
      visibleNodeIds: function () { return Array.from(state.nodes); }, // with "o:" organisation groups
      focusNode: function (id) {
        if (id.indexOf("o:") !== 0) return focusNode(id);
        state.expanded.add(id.slice(2)); // as a click on the group: open it, describe the organisation
        refresh();
        showOrg(id.slice(2));
        return true;
      },
      previewNode: function (id) { // select it, and bring it into view if it is off screen
        if (!state.nodes.has(id)) return;
        network.selectNodes([id]);
        var at = network.getPositions([id])[id], dom = network.canvasToDOM(at);
        if (dom.x < 0 || dom.y < 0 || dom.x > container.clientWidth || dom.y > container.clientHeight) {
          network.moveTo({ position: at, animation: false });
        }
      },
      selectFinding: selectFinding,
      clearSelection: function () { network.unselectAll(); showHint(); },
    });
  }
  // -- end of hook ---------------------------------------------------------------------------------

  // -- start ------------------------------------------------------------------------------------
  window.graphsvcReady = false;
  network.once("afterDrawing", function () {
    window.graphsvcReady = true;
    window.graphsvcReadyAt = performance.now();
    document.body.setAttribute("data-ready", "true");
  });

  var initial = settings.initial_stage || "";
  setStage(stageById.has(initial) ? initial : "");
  fit();

  window.graphsvcMap = {
    network: network,
    data: data,
    state: state,
    setStage: setStage,
    setOrg: setOrg,
    setClustered: function (on) { state.clusterChosen = true; setClustered(on); },
    search: function (q) { return search(q).map(function (n) { return n.id; }); },
    focusNode: focusNode,
    counts: counts,
    panel: panel,
    visibleNodeIds: function () { return Array.from(state.nodes).filter(function (id) { return nodeById.has(id); }); },
    visibleEdgeIds: function () { return Array.from(state.edges).filter(function (id) { return edgeById.has(id); }); },
  };
})();
