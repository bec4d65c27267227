/* graphsvc phase map: the findings panel and keyboard access to the map's nodes.
 *
 * Loaded before map.js, which calls window.graphsvcPanel.init(api) once its network exists
 * and panel.refresh() whenever its view changes. The api (see the hook in map.js):
 *   data, legend            the page's MapData and Legend
 *   stage(), setStage(id)   the stage shown ('' for every stage)
 *   org()                   the header's organisation filter
 *   visibleNodeIds()        the people, duties and organisation groups ("o:" ids) drawn now
 *   focusNode(id)           select, centre and describe a node (open a group)
 *   previewNode(id)         select a node and bring it into view, without describing it
 *   selectFinding(f)        select and fit a finding's subjects, describe it
 *   clearSelection()        unselect, empty the details panel
 *
 * The panel lists what the stage view shows: the entries the server computed per view
 * (envelope.panel.views: a finding index, or a group of low findings of one code), filtered
 * by severity and by organisation (a finding naming a person of it, or it), grouped by
 * severity with counts. Every string reaches the page through textContent.
 */
(function () {
  "use strict";

  var SEVERITIES = ["critical", "high", "medium", "low"];

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function init(api) {
    var envelope = JSON.parse(document.getElementById("graphsvc-data").textContent);
    var views = (envelope.panel && envelope.panel.views) || {};
    var data = api.data;
    var findingByIndex = new Map();
    (data.findings || []).forEach(function (f) { findingByIndex.set(f.index, f); });
    var orgOfNode = new Map();
    (data.nodes || []).forEach(function (n) { if (n.kind === "person") orgOfNode.set(n.id, n.org || ""); });
    var nodeById = new Map();
    (data.nodes || []).forEach(function (n) { nodeById.set(n.id, n); });
    var severityNames = (api.legend && api.legend.severity_names) || {};
    function severityName(s) { return severityNames[s] || s; }
    var orgNames = new Map();
    (data.organizations || []).forEach(function (o) { orgNames.set(o.id, o.name); });

    var list = document.getElementById("findings-list");
    var countBox = document.getElementById("findings-count");
    var stageSelect = document.getElementById("finding-stage");
    var orgSelect = document.getElementById("finding-org");
    var toggles = Array.prototype.slice.call(document.querySelectorAll("#severity-filter button[data-severity]"));
    var filter = { severities: new Set(SEVERITIES), org: "", headerOrg: "" };
    var expanded = new Set(); // codes of opened groups
    var lastTrigger = null; // what opened the details, to return focus on Escape

    // -- which findings an organisation filter keeps -----------------------------------------
    function namesOrg(f, org) {
      return (f.subjects || []).some(function (s) {
        if (s.kind === "organization") return s.id === org;
        if (s.kind === "contact") return orgOfNode.get("c:" + s.id) === org;
        return false;
      });
    }
    function kept(f) { return !filter.org || namesOrg(f, filter.org); }

    /* One view's entries as {severity, finding} or {severity, group, members}, with only
     * the findings the organisation filter keeps; the severity filter is applied later so
     * its buttons can count what they would show. */
    function entriesOf(stage) {
      var out = [];
      (views[stage] || []).forEach(function (entry) {
        if (typeof entry === "number") {
          var f = findingByIndex.get(entry);
          if (f && kept(f)) out.push({ severity: f.severity, finding: f });
          return;
        }
        var members = entry.members.map(function (i) { return findingByIndex.get(i); }).filter(function (f) { return f && kept(f); });
        if (members.length) out.push({ severity: entry.severity, group: entry, members: members });
      });
      return out;
    }

    function groupAsFinding(entry) {
      var nodes = [], edges = [], subjects = [], seen = new Set(), stages = new Set();
      entry.members.forEach(function (m) {
        m.nodes.forEach(function (id) { if (nodes.indexOf(id) < 0) nodes.push(id); });
        m.edges.forEach(function (id) { if (edges.indexOf(id) < 0) edges.push(id); });
        m.subjects.forEach(function (s) {
          var key = s.kind + "\u0000" + s.id;
          if (!seen.has(key)) { seen.add(key); subjects.push(s); }
        });
        stages.add(m.stage || "");
      });
      return {
        code: entry.group.code, severity: entry.severity, explanation: entry.group.explanation,
        remedy: entry.group.remedy, stage: stages.size === 1 ? entry.members[0].stage : null,
        subjects: subjects, nodes: nodes, edges: edges, members: entry.members,
      };
    }

    function open(f, trigger) {
      lastTrigger = trigger || null;
      Array.prototype.forEach.call(list.querySelectorAll(".active"), function (x) { x.classList.remove("active"); });
      if (trigger) trigger.classList.add("active");
      api.selectFinding(f);
    }

    function findingButton(f, text) {
      var button = el("button", "finding"); // its severity is its group's heading
      button.type = "button";
      button.appendChild(el("span", "code", f.code));
      button.appendChild(el("span", "text", text));
      button.addEventListener("click", function () { open(f, button); });
      return button;
    }

    function singleItem(f) {
      var li = el("li", "entry");
      li.setAttribute("data-finding", String(f.index));
      li.appendChild(findingButton(f, f.explanation));
      return li;
    }

    function groupItem(entry) {
      var code = entry.group.code;
      var all = entry.group.members.length, n = entry.members.length;
      var li = el("li", "entry group");
      li.setAttribute("data-group", code);
      var row = el("div", "group-row");
      var f = groupAsFinding(entry);
      var text = entry.group.explanation + (n < all ? " " + fill(_("({shown} of {all} shown)"), { shown: n, all: all }) : "");
      var main = findingButton(f, text);
      main.insertBefore(el("span", "members-count", String(n)), main.firstChild);
      row.appendChild(main);
      var toggle = el("button", "expand", expanded.has(code) ? _("Hide") : fill(_("Show {count}"), { count: n }));
      toggle.type = "button";
      toggle.setAttribute("aria-expanded", expanded.has(code) ? "true" : "false");
      toggle.title = fill(expanded.has(code) ? _("Hide the {count} {code} findings") : _("Show the {count} {code} findings"), { count: n, code: code });
      row.appendChild(toggle);
      li.appendChild(row);
      var members = el("ul", "members");
      members.id = "members-" + code;
      toggle.setAttribute("aria-controls", members.id);
      members.hidden = !expanded.has(code);
      entry.members.forEach(function (m) { members.appendChild(singleItem(m)); });
      li.appendChild(members);
      toggle.addEventListener("click", function () {
        if (expanded.has(code)) expanded.delete(code); else expanded.add(code);
        refresh();
        var again = list.querySelector('li[data-group="' + CSS.escape(code) + '"] .expand');
        if (again) again.focus();
      });
      return li;
    }

    function refresh() {
      var stage = api.stage();
      if (stageSelect.value !== stage) stageSelect.value = stage;
      var headerOrg = api.org();
      if (headerOrg !== filter.headerOrg) { // the header's filter carries over to the panel
        filter.headerOrg = headerOrg;
        filter.org = headerOrg;
        orgSelect.value = headerOrg;
      }
      var entries = entriesOf(stage);
      var bySeverity = {}, countOf = {};
      SEVERITIES.forEach(function (s) { bySeverity[s] = []; countOf[s] = 0; });
      entries.forEach(function (e) {
        bySeverity[e.severity].push(e);
        countOf[e.severity] += e.group ? e.members.length : 1;
      });
      toggles.forEach(function (b) {
        var s = b.getAttribute("data-severity");
        b.setAttribute("aria-pressed", filter.severities.has(s) ? "true" : "false");
        b.querySelector(".n").textContent = String(countOf[s]);
        b.title = fill(filter.severities.has(s) ? _("Hide {severity} findings") : _("Show {severity} findings"), { severity: severityName(s) });
      });
      var total = 0;
      clear(list);
      SEVERITIES.forEach(function (s) {
        if (!filter.severities.has(s) || !bySeverity[s].length) return;
        total += countOf[s];
        var section = el("section", "sev-group");
        section.setAttribute("data-severity", s);
        var heading = el("h3");
        heading.appendChild(el("span", "sev " + s, severityName(s)));
        heading.appendChild(el("span", "group-count", fill(countOf[s] === 1 ? _("{count} finding") : _("{count} findings"), { count: countOf[s] })));
        section.appendChild(heading);
        var ul = el("ul", "entries");
        bySeverity[s].forEach(function (e) { ul.appendChild(e.finding ? singleItem(e.finding) : groupItem(e)); });
        section.appendChild(ul);
        list.appendChild(section);
      });
      if (!total) list.appendChild(el("p", "hint", entries.length ? _("No finding of the chosen severities.") : _("No findings in this view.")));
      countBox.textContent = "(" + total + ")";
      renderNodes();
    }

    toggles.forEach(function (b) {
      b.addEventListener("click", function () {
        var s = b.getAttribute("data-severity");
        if (filter.severities.has(s)) filter.severities.delete(s); else filter.severities.add(s);
        refresh();
      });
    });
    stageSelect.addEventListener("change", function () { api.setStage(stageSelect.value); });
    orgSelect.addEventListener("change", function () { filter.org = orgSelect.value; refresh(); });

    // -- keyboard: a list of the view's people and duties, one tab stop, arrows move -------
    var nodeList = document.getElementById("node-list");
    var current = null; // id of the node that holds the tab stop

    function nodeText(id) {
      if (id.indexOf("o:") === 0) return (orgNames.get(id.slice(2)) || id.slice(2)) + " · " + _("organisation, grouped (Enter opens)");
      var n = nodeById.get(id);
      if (n.kind === "person") {
        var org = orgNames.get(n.org || "") || "";
        return n.label + (n.title ? " · " + n.title : "") + (org ? " · " + org : "");
      }
      return n.label + " · " + _("duty");
    }

    function renderNodes() {
      var ids = api.visibleNodeIds().filter(function (id) { return nodeById.has(id) || id.indexOf("o:") === 0; });
      var rank = function (id) { var n = nodeById.get(id); return !n ? 2 : n.kind === "duty" ? 0 : 1; };
      var name = function (id) { var n = nodeById.get(id); return n ? n.label : orgNames.get(id.slice(2)) || ""; };
      ids.sort(function (a, b) { // duties first (the stage's question), then people, then groups
        var x = name(a), y = name(b);
        return rank(a) - rank(b) || (x < y ? -1 : x > y ? 1 : 0);
      });
      if (ids.indexOf(current) < 0) current = ids.length ? ids[0] : null;
      var hadFocus = nodeList.contains(document.activeElement);
      clear(nodeList);
      ids.forEach(function (id) {
        var li = el("li");
        var button = el("button", "node-item", nodeText(id));
        button.type = "button";
        button.setAttribute("data-node", id);
        button.tabIndex = id === current ? 0 : -1;
        li.appendChild(button);
        nodeList.appendChild(li);
      });
      if (hadFocus) focusItem(current);
    }

    function focusItem(id) {
      var buttons = nodeList.querySelectorAll("button[data-node]");
      Array.prototype.forEach.call(buttons, function (b) {
        var mine = b.getAttribute("data-node") === id;
        b.tabIndex = mine ? 0 : -1;
        if (mine) b.focus();
      });
      current = id;
    }

    nodeList.addEventListener("keydown", function (event) {
      var buttons = Array.prototype.slice.call(nodeList.querySelectorAll("button[data-node]"));
      var at = buttons.indexOf(document.activeElement);
      if (at < 0) return;
      var to = null;
      if (event.key === "ArrowDown") to = Math.min(at + 1, buttons.length - 1);
      else if (event.key === "ArrowUp") to = Math.max(at - 1, 0);
      else if (event.key === "Home") to = 0;
      else if (event.key === "End") to = buttons.length - 1;
      else if (event.key === "PageDown") to = Math.min(at + 10, buttons.length - 1);
      else if (event.key === "PageUp") to = Math.max(at - 10, 0);
      if (to === null) return;
      event.preventDefault();
      focusItem(buttons[to].getAttribute("data-node"));
    });
    // the node in focus is selected on the map, so a sighted keyboard user sees where it is
    nodeList.addEventListener("focusin", function (event) {
      var id = event.target.getAttribute && event.target.getAttribute("data-node");
      if (id) { current = id; api.previewNode(id); }
    });
    nodeList.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("button[data-node]") : null;
      if (!button) return;
      var id = button.getAttribute("data-node");
      current = id;
      lastTrigger = button;
      api.focusNode(id);
    });

    // Escape closes the details (and gives focus back to what opened them).
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      if (event.target && event.target.id === "search") return; // the search box closes its own list
      api.clearSelection();
      Array.prototype.forEach.call(list.querySelectorAll(".active"), function (x) { x.classList.remove("active"); });
      var back = lastTrigger;
      if (back && !document.body.contains(back) && back.getAttribute("data-node")) {
        back = nodeList.querySelector('button[data-node="' + CSS.escape(back.getAttribute("data-node")) + '"]');
      }
      if (back && document.body.contains(back)) back.focus();
    });

    return {
      refresh: refresh,
      filter: filter,
      setSeverities: function (list) { filter.severities = new Set(list); refresh(); },
      setOrg: function (org) { filter.org = org || ""; orgSelect.value = filter.org; refresh(); },
    };
  }

  window.graphsvcPanel = { init: init };
})();
