/* dealsite: progressive enhancement only. Every page works without this file:
   the home table is complete in a sensible order, and the compare page shows every deal. */
(function () {
  "use strict";

  function sortKey(cell, numeric) {
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    raw = raw.trim();
    return numeric ? parseFloat(raw) || 0 : raw.toLowerCase();
  }

  /* Sort buttons in the column headers and a filter box, for tables marked data-ds-sortable. */
  function enhanceTable(table, n) {
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var total = rows.length;

    var box = document.createElement("div");
    box.className = "ds-filter";
    var id = "ds-filter-" + n;
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = "Filter deals by any word (place, level, status, figure)";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    var status = document.createElement("p");
    status.className = "ds-filter-status";
    status.setAttribute("role", "status");
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(status);
    var wrapper = table.closest(".ds-scroll") || table;
    wrapper.parentNode.insertBefore(box, wrapper);

    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.textContent.toLowerCase();
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        row.hidden = !match;
        if (match) shown += 1;
      });
      status.textContent = words.length ? shown + " of " + total + " deals shown" : "";
    });

    headers.forEach(function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "ds-sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      var numeric = th.getAttribute("data-type") === "number";
      button.addEventListener("click", function () {
        var direction = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", direction);
        var sign = direction === "ascending" ? 1 : -1;
        var sorted = rows.slice().sort(function (a, b) {
          var x = sortKey(a.cells[index], numeric), y = sortKey(b.cells[index], numeric);
          return (x < y ? -1 : x > y ? 1 : 0) * sign;
        });
        sorted.forEach(function (row) { tbody.appendChild(row); });
      });
    });
    headers[0].setAttribute("aria-sort", "ascending");
  }

  /* The compare page: show only the deals named in ?deal=a&deal=b. */
  function enhanceCompare(form) {
    var chosen = new URLSearchParams(window.location.search).getAll("deal");
    form.hidden = false;
    Array.prototype.forEach.call(form.querySelectorAll("input[name=deal]"), function (box) {
      box.checked = chosen.indexOf(box.value) !== -1;
    });
    var table = document.querySelector("table.ds-compare");
    if (!table || !chosen.length) return;
    /* One row per deal (issue 8: a column per deal did not scale to a thousand deals). */
    var shown = 0;
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr[data-deal]"), function (row) {
      row.hidden = chosen.indexOf(row.getAttribute("data-deal")) === -1;
      if (!row.hidden) shown += 1;
    });
    table.caption.textContent += " (" + shown + " chosen)";
  }

  /* The timetable: a filter box over a chart and its table, hiding the rows ([data-ds-row]) that
     do not hold every word typed. Without it every row shows, grouped by round. */
  function enhanceFilter(area, n) {
    var rows = Array.prototype.slice.call(area.querySelectorAll("[data-ds-row]"));
    var box = document.createElement("div");
    box.className = "ds-filter";
    var label = document.createElement("label");
    label.htmlFor = "ds-rows-filter-" + n;
    label.textContent = area.getAttribute("data-ds-filter-label") || "Filter by any word";
    var input = document.createElement("input");
    input.type = "search";
    input.id = label.htmlFor;
    input.autocomplete = "off";
    var status = document.createElement("p");
    status.className = "ds-filter-status";
    status.setAttribute("role", "status");
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(status);
    area.parentNode.insertBefore(box, area);
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.textContent.toLowerCase();
        row.hidden = !words.every(function (w) { return text.indexOf(w) !== -1; });
        if (!row.hidden && row.tagName === "LI") shown += 1;
      });
      status.textContent = words.length ? shown + " of " + area.querySelectorAll("li[data-ds-row]").length + " deals shown" : "";
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-ds-filter]"), enhanceFilter);
  Array.prototype.forEach.call(document.querySelectorAll("table[data-ds-sortable]"), enhanceTable);
  Array.prototype.forEach.call(document.querySelectorAll("form[data-ds-compare]"), enhanceCompare);

  /* Material wraps Markdown tables in a scrolling div from its own script. A scrolling region
     must be reachable by keyboard (WCAG 2.1.1), so make each one a named, focusable region. */
  function labelScrollRegions() {
    Array.prototype.forEach.call(document.querySelectorAll(".md-typeset__scrollwrap"), function (wrap) {
      var caption = wrap.querySelector("caption");
      wrap.tabIndex = 0;
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
    });
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(labelScrollRegions);
  } else {
    labelScrollRegions();
  }

  /* Print every reading table, not just the summaries. */
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
})();
