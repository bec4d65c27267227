/* The RACI matrix under the map (visual/raci.html.j2): shows the matrix of the stage the
 * phase switcher has pressed (every stage for "All stages"), and opens or closes the panel.
 * Independent of map.js: it only watches the switcher's aria-pressed attributes.
 * Before printing, the map canvas is redrawn at the printed size and fitted (print.css). */
(function () {
  "use strict";
  var section = document.getElementById("raci");
  if (!section) return;
  var toggle = document.getElementById("raci-toggle");
  var current = document.getElementById("raci-current");
  var stages = document.getElementById("stages");
  var tables = Array.prototype.slice.call(section.querySelectorAll(".raci-stage"));

  function pressedStage() {
    var pressed = stages ? stages.querySelector('button[aria-pressed="true"]') : null;
    return pressed ? { id: pressed.getAttribute("data-stage") || "", name: pressed.textContent } : { id: "", name: "" };
  }
  function show() {
    var stage = pressedStage();
    tables.forEach(function (table) {
      table.hidden = stage.id !== "" && table.getAttribute("data-stage") !== stage.id;
    });
    if (current) current.textContent = stage.id ? stage.name : "all stages";
  }
  function setOpen(open) {
    section.classList.toggle("collapsed", !open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }
  toggle.addEventListener("click", function () { setOpen(section.classList.contains("collapsed")); });
  if (stages) new MutationObserver(show).observe(stages, { subtree: true, attributes: true, attributeFilter: ["aria-pressed"] });
  show();

  // Printing: draw the map at the size it has on paper, then fit it, and back afterwards.
  var printing = window.matchMedia ? window.matchMedia("print") : null;
  function network() { return window.graphsvcMap && window.graphsvcMap.network; }
  function refit() {
    var net = network();
    if (!net) return;
    net.setSize("100%", "100%");
    net.redraw();
    net.fit({ animation: false });
  }
  window.addEventListener("beforeprint", refit);
  window.addEventListener("afterprint", refit);
  if (printing && printing.addEventListener) printing.addEventListener("change", refit);
  window.graphsvcRaci = { show: show, setOpen: setOpen, refit: refit };
})();
