/* graphsvc phase map: draws the embedded MapData with vis-network.
 *
 * Rules: every user string reaches the page through textContent (or is drawn on the
 * canvas), never parsed as markup; positions come from the server (physics off): a stage
 * view uses its stage's own compact layout, "all stages" and "everyone in the project"
 * the project's, and a phase switch glides the nodes there; every pass over nodes or
 * edges is linear (Maps and Sets, no nested scans).
 *
 * Names are drawn by this script, not by vis-network: at LABEL_PX on screen whatever the
 * zoom, in priority order (groups, flagged, owners, duties, the rest), each only where it
 * overlaps no other name and no marker; what does not fit waits for the zoom (level of
 * detail). Every change of what is shown fits the view to it.
 *
 * For tests and scripts: window.graphsvcMap (network, setStage, setOrg, setEveryone,
 * setClustered, search, focusNode, fit, counts, visibleNodeIds, visibleEdgeIds, labels)
 * and window.graphsvcReady (true after the first drawing; window.graphsvcReadyAt is its
 * performance.now()); window.graphsvcMap.moving is true while nodes glide.
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
  var stageLayouts = data.stage_layouts || {};
  var everyoneLayouts = data.everyone_layouts || {};
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
    n.relation = n.relation || {};
    nodeById.set(n.id, n);
    adjacency.set(n.id, []);
  });
  edges.forEach(function (e) {
    e.ref = e.ref || null; e.raci = e.raci || null; e.weight = e.weight || 1; e.channel = e.channel || "";
    e.last_used = e.last_used || null; e.uses = e.uses || 0; e.age_days = (e.age_days === undefined) ? null : e.age_days;
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
  function orgName(id) { var o = orgById.get(id || ""); return o ? o.name : (id || _("(no organisation)")); }
  function severityName(sev) { return (L.severity_names || {})[sev] || sev; }
  function phaseName(phase) { return (L.phase_names || {})[phase] || phase; }
  var KIND_TEXT = {
    client: _("client"), design: _("design"), contractor: _("contractor"), supervisor: _("supervisor"),
    vendor: _("vendor"), regulator: _("regulator"), property: _("property management"), internal: _("internal"),
    other: _("other"),
  };
  var SUBJECT_TEXT = {
    contact: _("person"), organization: _("organisation"), responsibility: _("duty"), stage: _("stage"),
    link: _("line"), project: _("project"),
  };
  /* A channel as the reader says it: the usual ones named, any other shown as stored. */
  var CHANNEL_NAMES = {
    phone: _("phone"), email: _("e-mail"), "e-mail": _("e-mail"), wechat: _("WeChat"), wecom: _("WeCom"),
    dingtalk: _("DingTalk"), feishu: _("Feishu"), meeting: _("meeting"), video: _("video call"), sms: _("text message"),
  };
  function channelName(channel) {
    var known = CHANNEL_NAMES[String(channel || "").trim().toLowerCase()];
    return known || channel;
  }
  /* "3 people" / "1 person": a count in words (Chinese has one form, English two). */
  function counted(n, one, many) { return fill(n === 1 ? one : many, { count: n }); }
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
    if (n.status === "left") return fill(_("{name} (left)"), { name: n.label });
    if (n.status === "on_leave") return fill(_("{name} (on leave)"), { name: n.label });
    return n.label;
  }

  /* The marker of a node: a dot for a person (fill: organisation; ring: a finding about
   * them), a square for a duty (fill: a vacuum's severity). Names are drawn apart. */
  function visNode(n) {
    var v = { id: n.id, x: n.x, y: n.y };
    var background, border, borderWidth = 1.5;
    if (n.kind === "duty") {
      v.shape = "square";
      v.size = 8;
      background = L.duty_color; border = L.duty_border || "#9a8420";
      if (n.marks.indexOf("vacuum") >= 0) {
        var sc = severityColor(n.severity);
        background = tint(sc, 0.75); border = sc; borderWidth = 3;
      }
      if (n.status === "done" && !n.marks.length) border = "#c9c3a0";
    } else {
      v.shape = "dot";
      v.size = n.size;
      var base = orgColor(n.org);
      background = base; border = "#4b5563";
      if (n.status === "left") { background = "#e8e8e8"; border = "#9e9e9e"; }
      if (n.status === "on_leave") { background = tint(base, 0.6); }
      if (n.marks.indexOf("inactive_owner") >= 0 || n.marks.indexOf("isolated") >= 0 || n.marks.indexOf("overloaded") >= 0) {
        border = severityColor(n.severity); borderWidth = 3.5;
      }
      if (n.marks.indexOf("single_point") >= 0) {
        border = severityColor(n.severity || "high"); borderWidth = 5;
        v.shadow = { enabled: true, color: rgba(severityColor(n.severity || "high"), 0.55), size: 14, x: 0, y: 0 };
      }
    }
    v.borderWidth = borderWidth;
    v.borderWidthSelected = borderWidth + 2;
    v.color = { background: background, border: border, highlight: { background: background, border: "#000000" } };
    return v;
  }

  /* One style per meaning (the legend lists each): RACI lines by colour and width,
   * dotted when no longer in force; talk lines green (their weight is in the details: width
   * means a bridge), grey dashed when stale, thick when a bridge; red where a finding
   * points; red dash-dot for a broken handover. */
  function edgeStyleKey(e) {
    if (e.marks.indexOf("broken_handover") >= 0 || e.kind === "handover_gap") return "handover_gap";
    if (e.marks.indexOf("conflict") >= 0) return "conflict";
    if (e.kind === "raci") return e.current ? "raci:" + e.raci : "raci:ended";
    if (e.kind === "communicates") {
      if (e.marks.indexOf("bridge") >= 0) return "bridge";
      if (e.stale || e.marks.indexOf("stale") >= 0) return "stale";
    }
    return e.kind;
  }

  function visEdge(e) {
    var key = edgeStyleKey(e);
    var s = L.edges[key] || L.edges.communicates;
    var v = { id: e.id, from: e.source, to: e.target };
    var width = s.width;
    if (key === "conflict" && e.severity) v.color = { color: severityColor(e.severity) };
    if (s.arrow) v.arrows = { to: { enabled: true, scaleFactor: 0.6 } };
    if (e.kind === "reports_to" || e.kind === "backup_for") {
      v.smooth = { enabled: true, type: e.kind === "reports_to" ? "curvedCW" : "curvedCCW", roundness: 0.18 };
    }
    v.width = width;
    v.dashes = s.dashes || false;
    v.color = { color: (v.color && v.color.color) || s.color, highlight: "#000000", opacity: key === "stale" ? 0.8 : 1, inherit: false };
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
      id: "o:" + o.id, x: o.x, y: o.y, shape: "dot", size: 20,
      color: { background: o.color, border: "#1d2330", highlight: { background: o.color, border: "#000000" } },
      borderWidth: 2,
    };
  }));

  var state = {
    stage: "", org: "", everyone: false, clustered: false, clusterChosen: false, expanded: new Set(), hiddenDuties: 0,
    nodes: new Set(), edges: new Set(), clusters: new Map(), aggregated: [], discs: [],
  };

  var nodeView = new vis.DataView(nodesDS, { filter: function (item) { return state.nodes.has(item.id); } });
  var edgeView = new vis.DataView(edgesDS, { filter: function (item) { return state.edges.has(item.id); } });

  /* Which nodes and edges the current phase, organisation filter and grouping show:
   * one pass over the nodes, one over the edges. */
  function computeVisible() {
    var stage = state.stage, org = state.org, clustered = state.clustered, everyone = state.everyone && !!stage;
    var visible = new Set(), collapsed = new Map(), clusterSize = new Map(), discCount = new Map();
    nodes.forEach(function (n) {
      if (!inStage(n, stage) && !(everyone && n.kind === "person")) return;
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
      // everyone in the project: every line among the people shown, this stage's duties only
      var lineOfAnyone = everyone && e.kind !== "raci" && e.kind !== "handover_gap";
      if (!inStage(e, stage) && !lineOfAnyone) return;
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
        color: { color: L.edges.grouped.color, highlight: "#000000", opacity: 0.6, inherit: false },
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
    var sizes = [];
    groupNames = new Map();
    state.clusters.forEach(function (count, id) {
      var o = orgById.get(id), size = 14 + 4 * Math.sqrt(count);
      sizes.push({ id: "o:" + id, size: size });
      // named by the page's label renderer, like every node (see drawNames)
      groupNames.set("o:" + id, {
        id: "o:" + id, kind: "group", label: fill(_("{name} ({count})"), { name: o ? o.name : id, count: count }), size: size,
        marks: [], severity: null, relation: {}, status: "active",
      });
    });
    if (sizes.length) nodesDS.update(sizes);
    nodeView.refresh();
    edgeView.refresh();
    updateCounts();
    if (panel) panel.refresh();
    orderLabels();
    placeNodes();
    fit();
  }

  // -- positions: the stage's own layout, or the project's ----------------------------------
  /* A stage view (not grouped) uses its stage's compact layout; "everyone in the project"
   * its own (every person, the stage's duties) where the server made one. */
  function stageLayout() {
    if (!state.stage || state.clustered) return null;
    if (state.everyone) return everyoneLayouts[state.stage] || null;
    return stageLayouts[state.stage] || null;
  }

  function target(n) {
    var layout = stageLayout();
    var at = layout && layout.positions[n.id];
    return at ? at : [n.x, n.y];
  }

  /* Where an organisation's block is drawn in the current view (null: nowhere). */
  function frameOf(o) {
    var layout = stageLayout();
    if (layout) return layout.frames[o.id] || null;
    return o.width ? { x: o.x, y: o.y, width: o.width, height: o.height } : null;
  }

  var glide = { frame: 0, moves: [], opened: false };  // opened: the first view is placed at once
  var GLIDE_MS = 350;

  /* Move the shown nodes to where this view puts them: gliding (so a person present in
   * both phases is followed by the eye), or at once for big views. */
  function placeNodes() {
    var moves = [], bodies = network.body.nodes;
    state.nodes.forEach(function (id) {
      var n = nodeById.get(id), body = bodies[id];
      if (!n || !body) return;
      var to = target(n);
      if (body.x !== to[0] || body.y !== to[1]) moves.push({ id: id, fx: body.x, fy: body.y, tx: to[0], ty: to[1] });
    });
    if (glide.frame) cancelAnimationFrame(glide.frame);
    glide.frame = 0;
    finishGlide(glide.moves);  // an interrupted glide ends where it was going
    glide.moves = moves;
    if (!moves.length) return;
    if (moves.length > 1500 || !glide.opened) { finishGlide(moves); glide.moves = []; return; }
    var start = performance.now();
    function step(now) {
      var t = Math.min(1, (now - start) / GLIDE_MS), k = t * t * (3 - 2 * t);
      moves.forEach(function (m) {
        var body = bodies[m.id];
        if (body) { body.x = m.fx + (m.tx - m.fx) * k; body.y = m.fy + (m.ty - m.fy) * k; }
      });
      if (t < 1) { glide.frame = requestAnimationFrame(step); network.redraw(); return; }
      glide.frame = 0;
      finishGlide(moves);
      glide.moves = [];
    }
    glide.frame = requestAnimationFrame(step);
  }

  function finishGlide(moves) {
    if (!moves.length) return;
    // the data set too, so a node shown again later starts from here
    nodesDS.update(moves.map(function (m) { return { id: m.id, x: m.tx, y: m.ty }; }));
    var bodies = network.body.nodes;
    moves.forEach(function (m) { var body = bodies[m.id]; if (body) { body.x = m.tx; body.y = m.ty; } });
    network.redraw();
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

  // -- organisation blocks, under everything ----------------------------------------------
  var UNOWNED = " unowned";

  /* The blocks of the organisations with someone shown (and of duties nobody owns). */
  function shownFrames() {
    var out = [];
    state.discs.forEach(function (o) {
      var f = frameOf(o);
      if (f && f.width) out.push({ name: o.name, color: o.color, frame: f });
    });
    var layout = stageLayout();
    if (layout && layout.frames[UNOWNED] && !state.org) {
      out.push({ name: _("duties nobody owns"), color: L.severity.high, frame: layout.frames[UNOWNED] });  // legend: "unowned"
    }
    return out;
  }

  network.on("beforeDrawing", function (ctx) {
    if (state.clustered && !state.expanded.size) return;
    ctx.save();
    shownFrames().forEach(function (item) {
      var f = item.frame;
      ctx.beginPath();
      ctx.rect(f.x - f.width / 2, f.y - f.height / 2, f.width, f.height);
      ctx.fillStyle = rgba(item.color, 0.07);
      ctx.fill();
      ctx.lineWidth = 1.2 / Math.max(network.getScale(), 0.2);
      ctx.strokeStyle = rgba(item.color, 0.55);
      ctx.stroke();
    });
    ctx.restore();
  });

  // -- names: drawn here at a fixed size on screen, never over each other or a marker -------
  var LABEL_PX = 13, LABEL_MAX_W = 300, BADGE_W = 15;
  var widthCache = new Map();
  var labelsDrawn = [];
  var labelOrder = [];

  function labelText(n) { return n.kind === "person" ? personLabel(n) : n.label; }
  function labelPx() { return Math.min(16, Math.max(LABEL_PX, Math.round(LABEL_PX * network.getScale()))); }
  function labelFont(px, bold) { return (bold ? "600 " : "") + px + "px " + FONT; }

  /* The text as drawn (cut with an ellipsis past the widest cell) and its width. */
  function measured(ctx, text, px, bold, limit) {
    limit = Math.floor(limit || LABEL_MAX_W * px / LABEL_PX);
    var key = px + (bold ? "b" : "") + limit + "\u0000" + text;
    var found = widthCache.get(key);
    if (found) return found;
    ctx.font = labelFont(px, bold);
    var shown = text, w = ctx.measureText(text).width;
    if (w > limit) {
      var chars = Array.from(text);
      while (chars.length > 1 && w > limit) { chars.pop(); shown = chars.join("") + "…"; w = ctx.measureText(shown).width; }
    }
    found = { text: shown, w: w };
    widthCache.set(key, found);
    return found;
  }

  /* Who is named first when not everyone fits: flagged nodes, then owners, then duties. */
  function labelRank(n) {
    if (n.kind === "group") return -1;
    if (n.severity || n.marks.length) return 0;
    if (n.kind === "duty") return 2;
    var rel = state.stage ? n.relation[state.stage] : null;
    if (rel === "A" || rel === "R" || (!rel && n.size > 7)) return 1;
    return 3;
  }

  var groupNames = new Map();  // "o:" id -> the grouped organisation as a named item

  function orderLabels() {
    labelOrder = [];
    state.nodes.forEach(function (id) { var n = nodeById.get(id) || groupNames.get(id); if (n) labelOrder.push(n); });
    labelOrder.sort(function (a, b) {
      return labelRank(a) - labelRank(b) || b.size - a.size || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    });
  }

  /* A person's relation to the stage shown: the letter drawn before their name. */
  function relationOf(n) { return n.kind === "person" && state.stage ? n.relation[state.stage] || null : null; }
  function badgeColors(letter) {
    return (L.relation_colors || {})[letter] || ["#ffffff", "#1d2330"];  // [background, letter]
  }

  /* Boxes taken on screen, hashed in a grid: a name is drawn only where it is free. */
  function Occupied() { this.cells = new Map(); }
  Occupied.prototype.each = function (b, fn) {
    var S = 64;
    for (var cx = Math.floor(b.x / S); cx <= Math.floor((b.x + b.w) / S); cx++) {
      for (var cy = Math.floor(b.y / S); cy <= Math.floor((b.y + b.h) / S); cy++) {
        if (fn(cx + "," + cy) === false) return false;
      }
    }
    return true;
  };
  Occupied.prototype.free = function (b, except) {
    var cells = this.cells;
    return this.each(b, function (k) {
      var list = cells.get(k);
      if (!list) return true;
      for (var i = 0; i < list.length; i++) {
        var o = list[i];
        if (o.id !== except && o.x < b.x + b.w && b.x < o.x + o.w && o.y < b.y + b.h && b.y < o.y + o.h) return false;
      }
      return true;
    });
  };
  Occupied.prototype.add = function (b) {
    var cells = this.cells;
    this.each(b, function (k) { var list = cells.get(k); if (!list) cells.set(k, list = []); list.push(b); });
  };

  function drawNames(ctx) {
    labelsDrawn = [];
    var scale = network.getScale(), px = labelPx();
    var ratio = (network.canvas && network.canvas.pixelRatio) || window.devicePixelRatio || 1;
    var width = container.clientWidth, height = container.clientHeight;
    var taken = new Occupied(), bodies = network.body.nodes;
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    // the organisations' names, top left in their blocks
    if (!(state.clustered && !state.expanded.size)) {
      shownFrames().forEach(function (item) {
        var f = item.frame;
        var at = network.canvasToDOM({ x: f.x - f.width / 2 + 10, y: f.y - f.height / 2 + 15 });
        var room = f.width * scale - 14;  // a block's name stays inside its block
        if (room < 3 * px) return;
        var m = measured(ctx, item.name, px, true, room);
        var box = { id: "frame", x: at.x - 2, y: at.y - px * 0.65, w: m.w + 4, h: px * 1.3 };
        if (box.x > width || box.y > height || box.x + box.w < 0 || box.y + box.h < 0 || !taken.free(box)) return;
        taken.add(box);
        ctx.font = labelFont(px, true);
        ctx.fillStyle = "#374151";
        ctx.fillText(m.text, at.x, at.y);
      });
    }
    // every marker on screen is an obstacle
    var onScreen = [];
    labelOrder.forEach(function (n) {
      var body = bodies[n.id];
      if (!body || !state.nodes.has(n.id)) return;
      var at = network.canvasToDOM({ x: body.x, y: body.y });
      var r = (n.kind === "duty" ? 8 : n.size) * scale + 2;
      if (at.x < -300 || at.y < -30 || at.x > width + 30 || at.y > height + 30) return;
      taken.add({ id: n.id, x: at.x - r, y: at.y - r, w: 2 * r, h: 2 * r });
      onScreen.push({ node: n, at: at, r: r });
    });
    // then the names, most important first, each where nothing else is
    var names = new Occupied();
    taken.cells.forEach(function (list) { list.forEach(function (b) { if (b.id === "frame") names.add(b); }); });
    function labelsFree(box) { return names.free(box, null); }
    onScreen.forEach(function (item) {
      var n = item.node, at = item.at;
      var m = measured(ctx, labelText(n), px, false);
      var letter = relationOf(n);
      var badge = letter ? BADGE_W * px / LABEL_PX : 0;
      var pad = n.kind === "duty" ? 4 : 0;
      var left = at.x + item.r + 2;
      var box = { id: n.id, x: left, y: at.y - px * 0.7 - pad / 2, w: badge + m.w + 2 * pad + (badge ? 3 : 0), h: px * 1.4 + pad };
      // flagged people and owners come first and may cover a marker (on a white ground);
      // the rest only go where they cover nothing
      var first = labelRank(n) <= 1;
      if (box.x < 0 || box.y < 0 || box.x + box.w > width || box.y + box.h > height) return;  // whole or not at all
      if (!(first ? labelsFree(box) : taken.free(box, n.id))) return;
      taken.add(box);
      names.add(box);
      if (first && n.kind === "person") {
        ctx.fillStyle = "rgba(255,255,255,0.85)";
        ctx.fillRect(box.x + badge, box.y + 1, box.w - badge, box.h - 2);
      }
      var x = left;
      if (letter) {
        var colors = badgeColors(letter);
        ctx.fillStyle = colors[0];
        ctx.strokeStyle = "#1d2330";
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.rect(x, at.y - badge / 2, badge, badge);
        ctx.fill();
        if (colors[0] === "#ffffff") ctx.stroke();
        ctx.font = labelFont(Math.round(px * 0.85), true);
        ctx.fillStyle = colors[1];
        ctx.textAlign = "center";
        ctx.fillText(letter, x + badge / 2, at.y + 0.5);
        ctx.textAlign = "left";
        x += badge + 3;
      }
      if (n.kind === "duty") {
        var vacuum = n.marks.indexOf("vacuum") >= 0;
        ctx.fillStyle = vacuum ? tint(severityColor(n.severity), 0.85) : L.duty_color;
        ctx.strokeStyle = vacuum ? severityColor(n.severity) : (L.duty_border || "#9a8420");
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.rect(x, box.y, m.w + 2 * pad, box.h);
        ctx.fill();
        ctx.stroke();
        x += pad;
      }
      ctx.font = labelFont(px, false);
      var faded = n.status === "left" || (n.kind === "duty" && n.status === "done");
      if (n.kind === "person") {
        ctx.strokeStyle = "rgba(255,255,255,0.9)";
        ctx.lineWidth = 3;
        ctx.strokeText(m.text, x, at.y);
      }
      ctx.fillStyle = faded ? "#5f6670" : "#1d2330";
      ctx.fillText(m.text, x, at.y);
      labelsDrawn.push({ id: n.id, text: m.text, x: box.x, y: box.y, w: box.w, h: box.h, px: px, badge: letter });
    });
    ctx.restore();
  }

  network.on("afterDrawing", drawNames);

  /* The node whose name is at a point of the map (names are drawn here, so vis-network
   * does not know them): a click on a name selects its node. */
  function nameAt(x, y) {
    for (var i = labelsDrawn.length - 1; i >= 0; i--) {
      var b = labelsDrawn[i];
      if (x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h) return b.id;
    }
    return null;
  }

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
    var text = [
      counted(c.people, _("{count} person"), _("{count} people")),
      counted(c.duties, _("{count} duty"), _("{count} duties")),
      counted(c.raci, _("{count} assignment"), _("{count} assignments")),
      counted(c.lines, _("{count} line"), _("{count} lines")),
    ].join(" · ");
    if (c.clusters) {
      text += " · " + fill(c.clusters === 1 ? _("{count} more grouped in {groups} organisation") : _("{count} more grouped in {groups} organisations"),
        { count: c.grouped, groups: c.clusters });
    }
    if (state.clustered && state.hiddenDuties) {
      text += " · " + counted(state.hiddenDuties, _("{count} duty without findings not shown"), _("{count} duties without findings not shown"));
    }
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

  var everyoneBox = document.getElementById("everyone");
  everyoneBox.addEventListener("change", function () { setEveryone(everyoneBox.checked); });

  /* "everyone in the project": the stage's duties with every person of the project. */
  function setEveryone(on) {
    state.everyone = !!on;
    everyoneBox.checked = state.everyone;
    refresh();
  }

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
    syncStageSelect(stage);  // the phone's phase select
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

  /* Fit the view to what is shown (where it is going, if it glides): its nodes and its
   * organisations' blocks, centred; never closer than 1.5, so a small view is not blown up. */
  function fit() {
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    function cover(x0, y0, x1, y1) {
      if (x0 < minX) minX = x0; if (y0 < minY) minY = y0; if (x1 > maxX) maxX = x1; if (y1 > maxY) maxY = y1;
    }
    state.nodes.forEach(function (id) {
      var n = nodeById.get(id);
      if (n) { var t = target(n); cover(t[0] - n.size, t[1] - n.size, t[0] + n.size, t[1] + n.size); return; }
      var o = nodesDS.get(id);
      if (o) cover(o.x - o.size, o.y - o.size, o.x + o.size, o.y + o.size);
    });
    if (!(state.clustered && !state.expanded.size)) {
      shownFrames().forEach(function (item) {
        var f = item.frame;
        cover(f.x - f.width / 2, f.y - f.height / 2, f.x + f.width / 2, f.y + f.height / 2);
      });
    }
    if (minX === Infinity) return;
    showBox(minX, minY, maxX, maxY);
  }
  function showBox(minX, minY, maxX, maxY) {
    var width = container.clientWidth || 800, height = container.clientHeight || 600, pad = 20;
    var scale = Math.min((width - 2 * pad) / Math.max(maxX - minX, 1), (height - 2 * pad) / Math.max(maxY - minY, 1), 1.5);
    network.moveTo({ position: { x: (minX + maxX) / 2, y: (minY + maxY) / 2 }, scale: scale, animation: false });
  }
  document.getElementById("fit").addEventListener("click", fit);

  /* Open a grouped organisation: its people take their places in its block, and the view
   * shows that block (a few thousand people fitted at once would be named only as dots). */
  function expandOrg(id) {
    state.expanded.add(id);
    refresh();
    var o = orgById.get(id), f = o && frameOf(o);
    if (f && f.width) showBox(f.x - f.width / 2, f.y - f.height / 2, f.x + f.width / 2, f.y + f.height / 2);
    showOrg(id);
  }

  // -- details panel -------------------------------------------------------------------------
  var details = document.getElementById("details");

  function showHint() {
    clear(details);
    details.appendChild(el("h2", null, _("Details")));
    details.appendChild(el("p", "hint", _("Click a person, a duty or a line.")));
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
      li.appendChild(el("span", "sev " + f.severity, severityName(f.severity)));
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
      addRow(dl, _("Title"), n.title || "—");
      var o = orgById.get(n.org);
      addRow(dl, _("Organisation"), orgName(n.org) + (o && o.role ? " · " + o.role : ""));
      addRow(dl, _("Status"), STATUS_TEXT[n.status] || n.status);
      addRow(dl, _("Language"), n.language);
      addRow(dl, _("Stages"), n.stages.map(stageName).join(", ") || _("none"));
      var CHANNEL_TEXT = { preferred: _("prefers {value}"), email: _("e-mail: {value}"), phone: _("phone: {value}") };
      var channelItems = n.channels.map(function (c) {
        var value = c.kind === "preferred" ? channelName(c.value) : c.value;
        return CHANNEL_TEXT[c.kind] ? fill(CHANNEL_TEXT[c.kind], { value: value }) : c.kind + ": " + value;
      });
      addRow(dl, _("Channels"), channelItems.length ? list(channelItems) : "—");
      var duties = [], lines = [];
      adjacency.get(n.id).forEach(function (e) {
        if (e.kind === "raci") {
          var d = nodeById.get(e.target);
          duties.push(nodeLink(d.id, e.raci + " · " + fill(_("{duty} ({stage})"), { duty: d.label, stage: stageName(d.stage) }) + (e.current ? "" : " · " + _("ended"))));
        } else if (e.kind !== "handover_gap") {
          var other = nodeById.get(e.source === n.id ? e.target : e.source);
          var how = e.kind === "communicates"
            ? _("talks with {name}") : e.kind === "reports_to"
              ? (e.source === n.id ? _("reports to {name}") : _("manages {name}")) : (e.source === n.id ? _("backs up {name}") : _("backed up by {name}"));
          var extra = e.kind === "communicates"
            ? (e.channel ? " · " + channelName(e.channel) : "") + (e.last_used ? " · " + fill(_("last {day}"), { day: e.last_used }) : " · " + _("never logged")) + (e.stale ? " · " + _("stale") : "")
            : "";
          lines.push(nodeLink(other.id, fill(how, { name: other.label }) + extra));
        }
      });
      addRow(dl, _("Duties"), duties.length ? list(duties) : _("none"));
      addRow(dl, _("Lines"), lines.length ? list(lines.slice(0, 40)) : _("none"));
    } else {
      addRow(dl, _("Stage"), stageName(n.stage) + " · " + phaseName(n.status));
      addRow(dl, _("Description"), n.title);
      var byLetter = { A: [], R: [], C: [], I: [] };
      adjacency.get(n.id).forEach(function (e) {
        if (e.kind !== "raci") return;
        var p = nodeById.get(e.source);
        byLetter[e.raci].push(nodeLink(p.id, personLabel(p) + " · " + orgName(p.org) + (e.current ? "" : " · " + _("ended"))));
      });
      addRow(dl, _("Accountable"), byLetter.A.length ? list(byLetter.A) : _("nobody"));
      addRow(dl, _("Responsible"), byLetter.R.length ? list(byLetter.R) : _("nobody"));
      addRow(dl, _("Consulted"), byLetter.C.length ? list(byLetter.C) : "");
      addRow(dl, _("Informed"), byLetter.I.length ? list(byLetter.I) : "");
    }
    if (findingsOf(n.findings).length) addRow(dl, _("Findings"), list(findingItems(n.findings)));
    details.appendChild(dl);
  }

  function showEdge(id) {
    var e = edgeById.get(id);
    if (!e) return;
    var a = nodeById.get(e.source), b = nodeById.get(e.target);
    clear(details);
    var names = { raci: _("Assignment"), communicates: _("Communicates"), reports_to: _("Reports to"), backup_for: _("Backup for"), handover_gap: _("Broken handover") };
    details.appendChild(el("h2", null, names[e.kind] || e.kind));
    var dl = el("dl");
    addRow(dl, e.kind === "raci" ? _("Person") : _("From"), a.label);
    addRow(dl, e.kind === "raci" ? _("Duty") : _("To"), b.label);
    if (e.kind === "raci") {
      addRow(dl, "RACI", (L.edges["raci:" + e.raci] || {}).label || e.raci);
      addRow(dl, _("In force"), e.current ? _("yes") : _("no"));
    }
    if (e.kind === "communicates") {
      addRow(dl, _("Weight"), e.weight);
      if (e.uses) addRow(dl, _("Logged contacts"), String(e.uses));
      addRow(dl, _("Channel"), channelName(e.channel));
      addRow(dl, _("Last used"), e.last_used ? fill(_("{day} ({days} days ago)"), { day: e.last_used, days: e.age_days }) : _("never recorded"));
      addRow(dl, _("Stale"), e.stale ? fill(_("yes (limit {days} days)"), { days: staleDays }) : _("no"));
    }
    addRow(dl, _("Stages"), e.stages.map(stageName).join(", "));
    if (findingsOf(e.findings).length) addRow(dl, _("Findings"), list(findingItems(e.findings)));
    details.appendChild(dl);
  }

  function showOrg(id) {
    var o = orgById.get(id);
    if (!o) return;
    clear(details);
    details.appendChild(el("h2", null, o.name));
    var dl = el("dl");
    addRow(dl, _("Kind"), KIND_TEXT[o.kind] || o.kind);
    addRow(dl, _("Role"), o.role);
    addRow(dl, _("Engaged"), o.engaged ? _("yes") : _("no"));
    addRow(dl, _("People"), o.people);
    details.appendChild(dl);
    if (state.clustered && state.expanded.has(id)) {
      var button = el("button", null, _("Group again"));
      button.type = "button";
      button.addEventListener("click", function () { state.expanded.delete(id); refresh(); showOrg(id); });
      details.appendChild(button);
    }
  }

  function showFinding(f) {
    clear(details);
    var h = el("h2");
    h.appendChild(el("span", "sev " + f.severity, severityName(f.severity)));
    h.appendChild(document.createTextNode(f.code));
    details.appendChild(h);
    details.appendChild(el("p", null, f.explanation));
    var dl = el("dl");
    addRow(dl, _("Remedy"), f.remedy);
    if (f.stage) addRow(dl, _("Stage"), stageName(f.stage));
    addRow(dl, _("Concerns"), list(f.subjects.map(function (s) {
      var id = s.kind === "contact" ? "c:" + s.id : s.kind === "responsibility" ? "r:" + s.id : null;
      return id && nodeById.has(id) ? nodeLink(id, s.name) : el("li", null, (SUBJECT_TEXT[s.kind] || s.kind) + ": " + s.name);
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

  /* Lower case without accents, spaces or punctuation: "Wang Jianguo" -> "wangjianguo". */
  function folded(text) {
    return String(text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[\s\-_.,'·()]+/g, "");
  }

  /* The name spelt in pinyin: a prefix of one of the node's forms (wangjianguo, jianguowang, wjg). */
  function pinyinHit(n, q) {
    return q.length > 0 && /^[a-z]+$/.test(q) && (n.pinyin || []).some(function (form) { return form.indexOf(q) === 0; });
  }

  function search(query) {
    var q = String(query || "").trim().toLowerCase();
    if (!q) return [];
    var plain = folded(q);
    var hits = [];
    nodes.forEach(function (n) {
      var hay = n.kind === "person" ? n.label + "\n" + n.title + "\n" + orgName(n.org) : n.label + "\n" + n.title;
      var named = plain.length > 0 && (folded(n.label).indexOf(plain) >= 0 || pinyinHit(n, plain));
      if (hay.toLowerCase().indexOf(q) < 0 && !named && !(plain && folded(hay).indexOf(plain) >= 0)) return;
      var nameHit = n.label.toLowerCase().indexOf(q) >= 0 || named ? 0 : 1;
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
    if (!found.length) results.appendChild(el("li", "empty", _("No match")));
    found.forEach(function (n, i) {
      var li = el("li", i === 0 ? "active" : null);
      li.setAttribute("role", "option");
      li.setAttribute("data-node", n.id);
      li.appendChild(el("span", "name", n.kind === "person" ? personLabel(n) : n.label));
      var sub = n.kind === "person"
        ? [n.title, orgName(n.org)].filter(Boolean).join(" · ")
        : _("duty") + " · " + stageName(n.stage);
      if (!state.nodes.has(n.id)) sub += " · " + _("not in this view");
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
    var t = target(n);
    network.moveTo({ position: { x: t[0], y: t[1] }, scale: Math.max(network.getScale(), 1.0), animation: false });
    showNode(id);
    return true;
  }

  // -- clicks -----------------------------------------------------------------------------------
  network.on("click", function (params) {
    if (params.nodes.length) {
      var id = params.nodes[0];
      if (id.indexOf("o:") === 0 && state.clustered) {
        expandOrg(id.slice(2));
        return;
      }
      showNode(id);
    } else if (nameAt(params.pointer.DOM.x, params.pointer.DOM.y)) {
      var named = nameAt(params.pointer.DOM.x, params.pointer.DOM.y);
      network.selectNodes([named]);
      showNode(named);
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
        expandOrg(id.slice(2)); // as a click on the group: open it, describe the organisation
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


  // -- pictures out of the page: PNG and SVG of the current view (no network) ----------------
  /* A file handed to the browser's download: a Blob behind an <a download>, nothing sent. */
  function download(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    a.style.display = "none";
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
  }

  function pictureName(ext) {
    var project = String((data.project && data.project.id) || "map"), view = state.stage || "all-stages";
    return (project + "-" + view).replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 120) + "." + ext;
  }

  /* The view as it is on screen, at twice its size in CSS pixels on white: vis-network and
   * the names (drawNames reads the canvas's pixel ratio) redraw once at ratio 2, are copied,
   * and the screen is redrawn as it was. */
  function exportPng() {
    finishGlide(glide.moves); glide.moves = [];
    var width = container.clientWidth, height = container.clientHeight, canvas = network.canvas.frame.canvas;
    var scale = network.getScale(), position = network.getViewPosition();
    var own = Object.getOwnPropertyDescriptor(window, "devicePixelRatio");  // put back as it was
    var out = document.createElement("canvas");
    out.width = 2 * width; out.height = 2 * height;
    try {
      Object.defineProperty(window, "devicePixelRatio", { value: 2, configurable: true, writable: true });
      network.redraw();  // setSize at the new ratio, then a synchronous draw
      var ctx = out.getContext("2d");
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, out.width, out.height);
      ctx.drawImage(canvas, 0, 0, out.width, out.height);
    } finally {
      if (own) Object.defineProperty(window, "devicePixelRatio", own); else delete window.devicePixelRatio;
      network.redraw();
      network.moveTo({ position: position, scale: scale, animation: false });
    }
    out.toBlob(function (blob) { download(blob, pictureName("png")); }, "image/png");
  }

  // the SVG namespace, as the HTML parser gave it to the legend's line samples (no URL in this file)
  var SVG_NS = document.querySelector("#legend svg").namespaceURI;
  /* Text XML 1.0 cannot carry (C0 controls, noncharacters) is dropped; the serialiser
   * escapes the rest (<, &, quotes), so no name can become markup. */
  function xmlText(text) { return String(text).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, ""); }
  function svgEl(parent, tag, attrs, text) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) node.textContent = xmlText(text);
    parent.appendChild(node);
    return node;
  }

  /* The current view as an SVG document, drawn from what the page has: the view's
   * positions, the organisations' blocks, every shown line and marker in its colours and
   * every shown node's name at 13 px (the drawing zooms, so every name is in it). */
  function viewSvg() {
    var ids = Array.from(state.nodes), positions = {};
    ids.forEach(function (id) {
      var n = nodeById.get(id), o = nodesDS.get(id);
      if (n) { var t = target(n); positions[id] = { x: t[0], y: t[1] }; } else if (o) positions[id] = { x: o.x, y: o.y };
    });
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    function cover(x0, y0, x1, y1) { minX = Math.min(minX, x0); minY = Math.min(minY, y0); maxX = Math.max(maxX, x1); maxY = Math.max(maxY, y1); }
    var frames = (state.clustered && !state.expanded.size) ? [] : shownFrames();
    frames.forEach(function (item) { var f = item.frame; cover(f.x - f.width / 2, f.y - f.height / 2, f.x + f.width / 2, f.y + f.height / 2); });
    ids.forEach(function (id) { var p = positions[id]; if (p) cover(p.x - 30, p.y - 30, p.x + 260, p.y + 30); });
    if (minX === Infinity) { minX = 0; minY = 0; maxX = 400; maxY = 300; }
    var pad = 20, x0 = minX - pad, y0 = minY - pad - 30, w = maxX - minX + 2 * pad, h = maxY - minY + 2 * pad + 30;
    var doc = document.implementation.createDocument(SVG_NS, "svg", null), svg = doc.documentElement;
    svg.setAttribute("viewBox", [x0, y0, w, h].map(Math.round).join(" "));
    svg.setAttribute("width", Math.round(w)); svg.setAttribute("height", Math.round(h));
    svg.setAttribute("font-family", FONT.replace(/"/g, "'"));
    var title = (data.project && data.project.name ? data.project.name : _("Map")) + " · " + (state.stage ? stageName(state.stage) : _("All stages"));
    svgEl(svg, "title", {}, title);
    svgEl(svg, "rect", { x: x0, y: y0, width: w, height: h, fill: "#ffffff" });
    svgEl(svg, "text", { x: x0 + pad, y: y0 + 22, "font-size": 16, "font-weight": 600, fill: "#1d2330" }, title);
    var blocks = svgEl(svg, "g", { "class": "frames" });
    frames.forEach(function (item) {
      var f = item.frame;
      svgEl(blocks, "rect", { x: f.x - f.width / 2, y: f.y - f.height / 2, width: f.width, height: f.height, fill: item.color, "fill-opacity": 0.07, stroke: item.color, "stroke-opacity": 0.55 });
      svgEl(blocks, "text", { x: f.x - f.width / 2 + 10, y: f.y - f.height / 2 + 19, "font-size": 13, "font-weight": 600, fill: "#374151" }, item.name);
    });
    var lines = svgEl(svg, "g", { "class": "lines" });
    state.edges.forEach(function (id) {
      var e = edgesDS.get(id), a = e && positions[e.from], b = e && positions[e.to];
      if (!a || !b) return;
      var attrs = { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: (e.color && e.color.color) || "#888888", "stroke-width": e.width || 1 };
      if (e.color && e.color.opacity !== undefined && e.color.opacity < 1) attrs["stroke-opacity"] = e.color.opacity;
      if (Array.isArray(e.dashes)) attrs["stroke-dasharray"] = e.dashes.join(" "); else if (e.dashes) attrs["stroke-dasharray"] = "5 5";
      svgEl(lines, "line", attrs);
    });
    var scratch = document.createElement("canvas").getContext("2d");  // measures the duties' names
    var markers = svgEl(svg, "g", { "class": "nodes" }), names = svgEl(svg, "g", { "class": "names", "font-size": 13 });
    ids.forEach(function (id) {
      var v = nodesDS.get(id), p = positions[id], n = nodeById.get(id) || groupNames.get(id);
      if (!v || !p || !n) return;
      var color = v.color || {}, size = n.kind === "group" ? n.size : (v.size || 10);
      var style = { fill: color.background || "#cccccc", stroke: color.border || "#4b5563", "stroke-width": v.borderWidth || 1 };
      if (v.shape === "square") svgEl(markers, "rect", Object.assign({ x: p.x - size, y: p.y - size, width: 2 * size, height: 2 * size }, style));
      else svgEl(markers, "circle", Object.assign({ cx: p.x, cy: p.y, r: size }, style));
      var x = p.x + size + 4, letter = relationOf(n);
      if (letter) {
        var colors = badgeColors(letter);
        svgEl(names, "rect", { x: x, y: p.y - 7.5, width: 15, height: 15, fill: colors[0], stroke: "#1d2330" });
        svgEl(names, "text", { x: x + 7.5, y: p.y + 4, "text-anchor": "middle", "font-size": 11, "font-weight": 700, fill: colors[1] }, letter);
        x += 18;
      }
      if (n.kind === "duty") {  // a duty's name on its box, as on the page
        var vacuum = n.marks.indexOf("vacuum") >= 0, textW = measured(scratch, labelText(n), LABEL_PX, false, 1e6).w;
        svgEl(names, "rect", {
          x: x - 4, y: p.y - 9.5, width: textW + 8, height: 19,
          fill: vacuum ? tint(severityColor(n.severity), 0.85) : L.duty_color, stroke: vacuum ? severityColor(n.severity) : (L.duty_border || "#9a8420"),
        });
      }
      var faded = n.status === "left" || (n.kind === "duty" && n.status === "done");
      svgEl(names, "text", { x: x, y: p.y + 4.5, fill: faded ? "#5f6670" : "#1d2330", stroke: "#ffffff", "stroke-width": 3, "paint-order": "stroke", "data-node": id }, labelText(n));
    });
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(doc);
  }

  function exportSvg() {
    finishGlide(glide.moves); glide.moves = [];
    download(new Blob([viewSvg()], { type: "image/svg+xml;charset=utf-8" }), pictureName("svg"));
  }

  document.getElementById("export-png").addEventListener("click", exportPng);
  document.getElementById("export-svg").addEventListener("click", exportSvg);
  // -- end of pictures ------------------------------------------------------------------------

  // -- phone: the phase select, the tools button and the bottom sheets (map.css, max-width 600px)
  var stageSelect = document.getElementById("stage-select");
  var legendBox = document.getElementById("legend");
  var sheetButtons = Array.prototype.slice.call(document.querySelectorAll("#sheet-tabs button[data-sheet]"));

  function syncStageSelect(stage) { if (stageSelect) stageSelect.value = stage; }

  /* One sheet at a time ("" closes them); pressing a sheet's tab again closes it. */
  function openSheet(name) {
    name = name || "";
    if (name) document.body.setAttribute("data-sheet", name); else document.body.removeAttribute("data-sheet");
    sheetButtons.forEach(function (b) { b.setAttribute("aria-pressed", b.getAttribute("data-sheet") === name ? "true" : "false"); });
    if (name === "legend") legendBox.open = true;
  }
  function sheet() { return document.body.getAttribute("data-sheet") || ""; }

  function setupPhone() {
    var phone = window.matchMedia ? window.matchMedia("(max-width: 600px)") : { matches: false };
    stageSelect.addEventListener("change", function () { setStage(stageSelect.value); });
    var toolsToggle = document.getElementById("tools-toggle");
    toolsToggle.addEventListener("click", function () {
      var open = !document.body.classList.contains("tools-open");
      document.body.classList.toggle("tools-open", open);
      toolsToggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    sheetButtons.forEach(function (b) {
      b.addEventListener("click", function () {
        var name = b.getAttribute("data-sheet");
        openSheet(sheet() === name ? "" : name);
      });
    });
    // on a phone, what the details panel shows opens its sheet; its hint (a tap on nothing) closes it
    new MutationObserver(function () {
      if (!phone.matches) return;
      var hint = !!details.querySelector(".hint");
      if (!hint) { openSheet("details"); keepSelectionInView(); } else if (sheet() === "details") openSheet("");
    }).observe(details, { childList: true });
  }

  /* The selected node stays in sight above the open sheet: unless it is well inside what
   * the sheet leaves of the map, the map moves (same zoom) to put it in the middle of that. */
  function keepSelectionInView() {
    var selected = network.getSelectedNodes();
    if (!selected.length) return;
    var at = network.getPositions([selected[0]])[selected[0]];
    if (!at) return;
    var box = container.getBoundingClientRect(), cover = document.querySelector(".side").getBoundingClientRect();
    var free = Math.max(Math.min(cover.top, box.bottom) - box.top, 60);  // the map's height above the sheet
    var dom = network.canvasToDOM(at);  // already well in sight: left where it is
    if (dom.x > 40 && dom.x < box.width - 40 && dom.y > free * 0.2 && dom.y < free * 0.8) return;
    network.moveTo({ position: at, scale: network.getScale(), offset: { x: 0, y: free / 2 - box.height / 2 }, animation: false });
  }
  setupPhone();
  // -- end of phone ---------------------------------------------------------------------------

  // -- start ------------------------------------------------------------------------------------
  window.graphsvcReady = false;
  network.once("afterDrawing", function () {
    window.graphsvcReady = true;
    window.graphsvcReadyAt = performance.now();
    document.body.setAttribute("data-ready", "true");
  });

  // on a narrow screen the map comes first: the legend starts folded
  if (window.matchMedia && window.matchMedia("(max-width: 900px)").matches) document.getElementById("legend").open = false;

  var initial = settings.initial_stage || "";
  setStage(stageById.has(initial) ? initial : "");
  glide.opened = true;

  window.graphsvcMap = {
    network: network,
    data: data,
    state: state,
    setStage: setStage,
    setOrg: setOrg,
    setClustered: function (on) { state.clusterChosen = true; setClustered(on); },
    setEveryone: setEveryone,
    fit: fit,
    labels: function () { return labelsDrawn.slice(); },
    styleOf: function (id) { var e = edgeById.get(id); return e ? edgeStyleKey(e) : null; },
    moving: function () { return glide.frame !== 0 || glide.moves.length > 0; },
    search: function (q) { return search(q).map(function (n) { return n.id; }); },
    focusNode: focusNode,
    counts: counts,
    panel: panel,
    visibleNodeIds: function () { return Array.from(state.nodes).filter(function (id) { return nodeById.has(id); }); },
    visibleEdgeIds: function () { return Array.from(state.edges).filter(function (id) { return edgeById.has(id); }); },
  };
})();
