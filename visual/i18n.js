/* The page's words in the reader's language. The server puts the catalog's text of every
   message these scripts use in <script type="application/json" id="graphsvc-text">, by key;
   a script writes _("Legend") and fill(_("{count} people"), {count: n}). */
var graphsvcText = (function () {
  var element = document.getElementById("graphsvc-text");
  return element ? JSON.parse(element.textContent) : {};
})();

/* The key the server wrote a message's text under (render.py message_key): FNV-1a, 32 bits,
   of its UTF-16 code units, in decimal. Messages with no entry read as written. */
function graphsvcMessageKey(message) {
  var key = 0x811c9dc5;
  for (var i = 0; i < message.length; i++) key = Math.imul(key ^ message.charCodeAt(i), 0x01000193) >>> 0;
  return String(key);
}

function _(message) {
  var key = graphsvcMessageKey(message);
  return Object.prototype.hasOwnProperty.call(graphsvcText, key) ? graphsvcText[key] : message;
}

function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, function (whole, name) {
    return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
  });
}
