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
    if (current) current.textContent = stage.id ? stage.name : _("all stages");
  }
  function setOpen(open) {
    section.classList.toggle("collapsed", !open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }
  toggle.addEventListener("click", function () { setOpen(section.classList.contains("collapsed")); });
  if (stages) new MutationObserver(show).observe(stages, { subtree: true, attributes: true, attributeFilter: ["aria-pressed"] });
  show();

  // Printing: draw the map at the size it has on paper and fit it; afterwards, back to the
  // size and view the reader had on screen (remembered at every drawing on screen, since the
  // renderer may rescale on its own when the page changes size for print).
  var printing = window.matchMedia ? window.matchMedia("print") : null;
  var onScreen = null;
  var away = false; // between printing and restoring: the renderer's own redraws are not the reader's view
  var net = window.graphsvcMap && window.graphsvcMap.network;
  function isPrinting() { return printing ? printing.matches : false; }
  function refit() {
    if (!net) return;
    away = true;
    net.setSize("100%", "100%");
    net.redraw();
    net.fit({ animation: false });
  }
  function restore() {
    if (!net) return;
    net.setSize("100%", "100%");
    net.redraw();
    if (onScreen) net.moveTo({ position: onScreen.position, scale: onScreen.scale, animation: false });
    away = false;
  }
  function remember() {
    if (!away && !isPrinting()) onScreen = { position: net.getViewPosition(), scale: net.getScale() };
  }
  if (net) {
    remember();
    net.on("afterDrawing", remember);
  }
  window.addEventListener("beforeprint", refit);
  window.addEventListener("afterprint", restore);
  if (printing && printing.addEventListener) {
    printing.addEventListener("change", function (event) { (event.matches ? refit : restore)(); });
  }
  window.graphsvcRaci = { show: show, setOpen: setOpen, refit: refit, restore: restore };
})();
