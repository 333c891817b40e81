// wasmdash page behaviour. Loaded from 'self' (the CSP forbids inline script).
// Reading works without it; it adds the CSRF header on htmx requests, the
// dashboard-wide time range and auto-refresh, tabs, and the grid editor.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  // Every htmx request carries the CSRF token.
  document.addEventListener("htmx:configRequest", function (evt) {
    evt.detail.headers["X-CSRF-Token"] = csrfToken();
  });

  // Show 4xx answers (validation errors, conflicts) in place instead of
  // dropping them: they are small error fragments meant for the user.
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var status = evt.detail.xhr.status;
    if (status >= 400 && status < 500) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });

  function setStatus(text) {
    var el = document.getElementById("save-status");
    if (el) el.textContent = text;
  }

  function refreshWidgets() {
    if (window.htmx) window.htmx.trigger(document.body, "wd-refresh");
  }

  function setupRange() {
    var form = document.getElementById("range-form");
    if (!form) return;
    var custom = document.getElementById("custom-range");
    form.addEventListener("change", function () {
      var range = form.elements.range.value;
      if (custom) custom.hidden = range !== "custom";
      if (range === "custom" && !(form.elements.from.value && form.elements.to.value)) return;
      // Keep the range in the address so a reload or a shared link shows it.
      var params = new URLSearchParams(new FormData(form));
      if (range !== "custom") { params.delete("from"); params.delete("to"); }
      history.replaceState(null, "", location.pathname + "?" + params.toString());
      refreshWidgets();
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
  }

  function setupRefresh() {
    var select = document.getElementById("refresh");
    if (!select) return;
    var timer = null;
    var saved = localStorage.getItem("wasmdash.refresh");
    if (saved) select.value = saved;
    function apply() {
      if (timer) clearInterval(timer);
      timer = null;
      var secs = parseInt(select.value, 10) || 0;
      localStorage.setItem("wasmdash.refresh", String(secs));
      if (secs > 0) timer = setInterval(refreshWidgets, secs * 1000);
    }
    select.addEventListener("change", apply);
    apply();
  }

  function setupTabs() {
    document.querySelectorAll('.tabs [role="tab"]').forEach(function (tab) {
      tab.addEventListener("click", function () {
        var index = tab.getAttribute("data-tab");
        document.querySelectorAll('.tabs [role="tab"]').forEach(function (t) {
          t.setAttribute("aria-selected", String(t === tab));
        });
        document.querySelectorAll(".tab-panel").forEach(function (p) {
          p.hidden = p.getAttribute("data-tab") !== index;
        });
      });
    });
  }

  // The grid: static while viewing; "Edit layout" enables drag and resize,
  // and every change is saved with the version it was edited from.
  function setupGrid() {
    if (!window.GridStack) return;
    var grids = [];
    document.querySelectorAll(".grid-stack").forEach(function (el) {
      var grid = window.GridStack.init({
        column: 12, cellHeight: 90, margin: 6, staticGrid: true, float: false,
        columnOpts: { breakpoints: [{ w: 760, c: 1 }] },
        acceptWidgets: ".grid-stack-item",
      }, el);
      grids.push(grid);
      grid.on("change dropped", function () { save(grids); });
    });
    var toggle = document.getElementById("edit-toggle");
    if (!toggle) return;
    toggle.addEventListener("click", function () {
      var editing = toggle.getAttribute("aria-pressed") !== "true";
      toggle.setAttribute("aria-pressed", String(editing));
      toggle.textContent = editing ? "Done" : "Edit layout";
      document.body.classList.toggle("editing", editing);
      grids.forEach(function (g) { g.setStatic(!editing); });
    });
  }

  var saving = Promise.resolve();
  function save(grids) {
    if (!grids.length) return;
    var first = grids[0].el;
    var dashboard = first.getAttribute("data-dashboard");
    var items = [];
    grids.forEach(function (g) {
      var tab = parseInt(g.el.getAttribute("data-tab"), 10) || 0;
      g.save(false).forEach(function (n) {
        items.push({ id: n.id, x: n.x || 0, y: n.y || 0, w: n.w || 1, h: n.h || 1, tab: tab });
      });
    });
    // Saves run one after another so each carries the version the last returned.
    saving = saving.then(function () {
      setStatus("Saving…");
      var version = parseInt(first.getAttribute("data-version"), 10);
      return fetch("/dashboards/" + dashboard + "/layout", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
        body: JSON.stringify({ version: version, items: items }),
        credentials: "same-origin",
      }).then(function (res) {
        return res.json().then(function (body) {
          if (!res.ok) throw new Error(body.error || ("saving failed (" + res.status + ")"));
          grids.forEach(function (g) { g.el.setAttribute("data-version", String(body.version)); });
          setStatus("Saved");
        });
      }).catch(function (err) { setStatus(err.message); });
    });
  }

  function start() {
    setupRange();
    setupRefresh();
    setupTabs();
    setupGrid();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
