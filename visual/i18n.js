/* The page's words in the reader's language. The server puts the catalog's text of every
   message these scripts use in <script type="application/json" id="graphsvc-text">;
   a script writes _("Legend") and fill(_("{count} people"), {count: n}). */
var graphsvcText = (function () {
  var element = document.getElementById("graphsvc-text");
  return element ? JSON.parse(element.textContent) : {};
})();

function _(message) {
  return Object.prototype.hasOwnProperty.call(graphsvcText, message) ? graphsvcText[message] : message;
}

function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, function (whole, name) {
    return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
  });
}
