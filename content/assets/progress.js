/* dealsite progress pages (dashboard): progressive enhancement only. Without this file every
   table is complete, in a sensible order, and every reading is listed with its "new" mark.
   Owned by the progress work; dealsite.js (the site's own) is left alone. */
(function () {
  "use strict";

  function key(cell, type) {
    var raw = (cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent).trim();
    if (type === "number") {
      var n = parseFloat(raw);
      return isNaN(n) ? -Infinity : n;
    }
    return raw.toLowerCase();
  }

  /* Sort buttons in the column headers of tables marked data-ds-progress-sort. */
  function sortable(table) {
    if (!table.tHead || !table.tBodies.length) return;
    var tbody = table.tBodies[0];
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    headers.forEach(function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "ds-sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      var type = th.getAttribute("data-type") || "text";
      button.addEventListener("click", function () {
        var direction = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", direction);
        var sign = direction === "ascending" ? 1 : -1;
        var rows = Array.prototype.slice.call(tbody.rows);
        rows.sort(function (a, b) {
          if (!a.cells[index] || !b.cells[index]) return 0;
          var x = key(a.cells[index], type), y = key(b.cells[index], type);
          return (x < y ? -1 : x > y ? 1 : 0) * sign;
        });
        rows.forEach(function (row) { tbody.appendChild(row); });
      });
    });
  }

  /* "Readings added since": hide rows added before the chosen date (ISO dates compare as text). */
  function since(form) {
    var table = document.querySelector("table[data-ds-readings]");
    if (!table) return;
    var input = form.querySelector("input[type=date]");
    var status = form.querySelector("[role=status]");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows).filter(function (r) { return r.hasAttribute("data-added"); });
    function apply() {
      var from = input.value;
      var shown = 0;
      rows.forEach(function (row) {
        var keep = !from || row.getAttribute("data-added") >= from;
        row.hidden = !keep;
        if (keep) shown += 1;
      });
      status.textContent = from ? shown + " of " + rows.length + " readings added since " + from : "All " + rows.length + " readings shown";
    }
    form.hidden = false;
    input.addEventListener("change", apply);
    Array.prototype.forEach.call(form.querySelectorAll("button[data-ds-since-value]"), function (button) {
      button.addEventListener("click", function () {
        input.value = button.getAttribute("data-ds-since-value");
        apply();
      });
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    apply();
  }

  Array.prototype.forEach.call(document.querySelectorAll("table[data-ds-progress-sort]"), sortable);
  Array.prototype.forEach.call(document.querySelectorAll("form[data-ds-since]"), since);
})();
