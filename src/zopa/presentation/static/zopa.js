// zopa dashboard behaviour: no framework, no inline scripts (the CSP forbids them), text set with textContent.
"use strict";

(function () {
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  // ---- article page: a click on a highlighted span explains it in the side panel, and back
  function setupArticle() {
    var text = document.querySelector(".article-text");
    if (!text) { return; }
    function activate(key, scrollTo) {
      document.querySelectorAll(".active").forEach(function (n) { n.classList.remove("active"); });
      document.querySelectorAll('[data-ev="' + CSS.escape(key) + '"]').forEach(function (n) {
        n.classList.add("active");
      });
      var target = document.getElementById(scrollTo + key);
      if (target) { target.scrollIntoView({ block: "nearest", behavior: "smooth" }); }
      var detail = document.getElementById("ev-detail");
      var item = document.getElementById("item-" + key);
      if (detail && item) {
        detail.textContent = "";
        detail.appendChild(item.cloneNode(true));
        detail.firstChild.removeAttribute("id");
        detail.hidden = false;
      }
    }
    text.addEventListener("click", function (event) {
      var mark = event.target.closest("mark.ev");
      if (mark) { activate(mark.dataset.ev, "item-"); }
    });
    text.addEventListener("keydown", function (event) {
      var mark = event.target.closest("mark.ev");
      if (mark && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        activate(mark.dataset.ev, "item-");
      }
    });
    document.querySelectorAll(".ev-item").forEach(function (item) {
      item.addEventListener("click", function () { activate(item.dataset.ev, "mark-"); });
    });
    if (location.hash.indexOf("#mark-") === 0) { activate(location.hash.slice(6), "mark-"); }
  }

  // ---- positions page: a click on a matrix cell lists the evidence behind it, newest first
  function renderEvidence(panel, cell, data) {
    panel.textContent = "";
    var heading = el("h2", null, cell.dataset.actorName + " \u00d7 " + cell.dataset.issueName);
    panel.appendChild(heading);
    panel.appendChild(el("p", { "class": "muted small" },
      data.total + " statement" + (data.total === 1 ? "" : "s") + ", newest first"));
    var list = el("ol", { "class": "evidence-list", "id": "evidence-list" });
    data.items.forEach(function (p) {
      var li = el("li", { "class": "evidence", "data-position": p.id });
      var meta = el("div", { "class": "small" });
      meta.appendChild(el("span", { "class": "badge " + p.stance }, p.stance));
      if (p.red_line) { meta.appendChild(document.createTextNode(" ")); meta.appendChild(el("span", { "class": "badge redline" }, "red line")); }
      var extra = [];
      if (p.value !== null && p.value !== undefined) { extra.push("value " + p.value); }
      if (p.conditional_on) { extra.push("if " + p.conditional_on); }
      if (p.speaker_name || p.speaker) { extra.push("speaker: " + (p.speaker_name || p.speaker)); }
      if (extra.length) { meta.appendChild(document.createTextNode(" " + extra.join(" \u00b7 "))); }
      li.appendChild(meta);
      li.appendChild(el("blockquote", { "class": "sentence" }, p.evidence));
      var source = el("div", { "class": "small muted" });
      var link = el("a", { "href": "/documents/" + p.document + "#mark-position-" + p.id }, p.title || ("document " + p.document));
      source.appendChild(link);
      var when = [p.outlet, p.published ? p.published.slice(0, 10) : null].filter(Boolean).join(", ");
      if (when) { source.appendChild(document.createTextNode(" \u2014 " + when)); }
      li.appendChild(source);
      list.appendChild(li);
    });
    panel.appendChild(list);
    if (data.total > data.items.length) {
      panel.appendChild(el("p", { "class": "small" }));
      var more = el("a", { "href": cell.querySelector("a").getAttribute("href") }, "all " + data.total + " statements");
      panel.lastChild.appendChild(more);
    }
  }

  function setupMatrix() {
    var matrix = document.querySelector("table.matrix");
    var panel = document.getElementById("evidence-panel");
    if (!matrix || !panel) { return; }
    matrix.addEventListener("click", function (event) {
      var cell = event.target.closest("td.cell");
      if (!cell) { return; }
      event.preventDefault();
      matrix.querySelectorAll("td.selected").forEach(function (n) { n.classList.remove("selected"); });
      cell.classList.add("selected");
      panel.textContent = "";
      panel.appendChild(el("p", { "class": "muted" }, "Loading\u2026"));
      var url = "/api/v1/positions?limit=50&actor=" + encodeURIComponent(cell.dataset.actor) +
        "&issue=" + encodeURIComponent(cell.dataset.issue);
      fetch(url, { headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) { renderEvidence(panel, cell, data); })
        .catch(function (error) {
          panel.textContent = "";
          panel.appendChild(el("p", { "class": "notice error" }, "Could not load the evidence: " + error.message));
        });
    });
  }

  // ---- charts: figures are JSON in <script type="application/json"> blocks, drawn with the bundled plotly.js
  function setupCharts() {
    if (typeof window.Plotly === "undefined") { return; }
    document.querySelectorAll("script.chart-data").forEach(function (block) {
      var target = document.getElementById(block.dataset.target);
      if (!target) { return; }
      var figure = JSON.parse(block.textContent);
      var config = { displaylogo: false, responsive: true };
      window.Plotly.newPlot(target, figure.data || [], figure.layout || {}, config);
    });
  }

  // ---- a link to a <details> element (the report's evidence lists) opens it
  function openTarget() {
    if (!location.hash) { return; }
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.tagName === "DETAILS") { target.open = true; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupArticle();
    setupMatrix();
    setupCharts();
    openTarget();
  });
  window.addEventListener("hashchange", openTarget);
})();
