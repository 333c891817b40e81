// wasmdash page behaviour. Loaded from 'self' (the CSP forbids inline script).
// Reading works without it; it adds the CSRF header on htmx requests, the
// dashboard-wide time range and auto-refresh, tabs, and the grid editor.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  // The content box of a widget's body in CSS pixels, or null when it is
  // not laid out (a hidden tab) or not there yet.
  function bodySize(widget) {
    var body = widget.querySelector(".widget-body");
    if (!body || !body.clientWidth) return null;
    var cs = getComputedStyle(body);
    var w = body.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    var h = body.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
    if (w < 1 || h < 1) return null;
    return { w: Math.min(4096, Math.floor(w)), h: Math.min(4096, Math.floor(h)) };
  }

  // Every htmx request carries the CSRF token. A widget also sends the size
  // of its body, so the server draws charts at their real size (text keeps
  // its size, plots fill the box); a table widget also sends the sort and
  // page it shows, so a refresh keeps them.
  document.addEventListener("htmx:configRequest", function (evt) {
    evt.detail.headers["X-CSRF-Token"] = csrfToken();
    var el = evt.detail.elt;
    if (el && el.dataset && el.classList.contains("widget")) {
      var size = bodySize(el);
      if (size) {
        evt.detail.parameters.width = size.w;
        evt.detail.parameters.height = size.h;
        el.dataset.wdSize = size.w + "x" + size.h;
      }
      if (el.dataset.tableSort) {
        evt.detail.parameters.sort_column = el.dataset.tableSort;
        evt.detail.parameters.sort_direction = el.dataset.tableDir || "asc";
      }
      if (el.dataset.tableOffset) evt.detail.parameters.offset = el.dataset.tableOffset;
    }
  });

  // Table widgets: plugin HTML carries data-wd-* buttons but no script or
  // htmx attributes (the sanitizer strips them). A click asks the host for
  // the widget again with the new sort or page; the server checks both.
  document.addEventListener("click", function (evt) {
    var button = evt.target.closest && evt.target.closest("[data-wd-sort], [data-wd-offset]");
    if (!button || button.disabled) return;
    var widget = button.closest("section.widget");
    // Only the plugin's own buttons, inside the widget's body.
    if (!widget || !button.closest(".widget-body")) return;
    if (!widget || !window.htmx) return;
    var focus;
    if (button.hasAttribute("data-wd-sort")) {
      widget.dataset.tableSort = button.getAttribute("data-wd-sort");
      widget.dataset.tableDir = button.getAttribute("data-wd-dir") || "asc";
      widget.dataset.tableOffset = "0";
      focus = '[data-wd-sort="' + CSS.escape(widget.dataset.tableSort) + '"]';
    } else {
      widget.dataset.tableOffset = button.getAttribute("data-wd-offset");
      focus = button.classList.contains("wd-page-prev") ? ".wd-page-prev" : ".wd-page-next";
    }
    // Keep keyboard focus on the same control after the swap.
    widget.dataset.tableFocus = focus;
    window.htmx.trigger(widget, "wd-table");
  });

  // A widget whose body changed size (window resized, layout edited, a tab
  // shown, the phone turned) asks for itself again at the new size, once
  // the size has settled; a few pixels of difference are not worth it.
  var resizeTimers = new WeakMap();
  function resized(widget) {
    clearTimeout(resizeTimers.get(widget));
    resizeTimers.set(widget, setTimeout(function () {
      if (!window.htmx || widget.dataset.lazy === "true" || widget.dataset.lazy === "stale") return;
      var size = bodySize(widget);
      if (!size) return;
      var was = (widget.dataset.wdSize || "0x0").split("x");
      if (Math.abs(size.w - was[0]) > 4 || Math.abs(size.h - was[1]) > 4) {
        window.htmx.trigger(widget, "wd-resize");
      }
    }, 250));
  }
  var sizeWatch = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (e) { resized(e.target.closest(".widget") || e.target); });
  }) : null;
  function watchSizes(root) {
    if (!sizeWatch) return;
    root.querySelectorAll("section.widget, .widget.preview-body").forEach(function (w) {
      if (w.dataset.wdWatched) return;
      w.dataset.wdWatched = "true";
      sizeWatch.observe(w);
    });
  }

  document.addEventListener("htmx:afterSwap", function (evt) {
    var el = evt.detail.elt;
    if (!el || !el.dataset || !el.dataset.tableFocus) return;
    var target = el.querySelector(el.dataset.tableFocus);
    delete el.dataset.tableFocus;
    if (target && !target.disabled) target.focus();
  });

  // The settings fields come back from the server after the metric or
  // dataset changed. A choice made while that request was out would be
  // lost in the swap, so each field's value is noted when the request
  // leaves and just before the swap; after it, a field the user changed in
  // between gets its choice back (where the new fields still offer it).
  var NAMED_FIELDS = "input[name], select[name], textarea[name]";
  function checkable(f) {
    return f.type === "checkbox" || f.type === "radio";
  }
  function fieldKey(f) {
    return checkable(f) ? f.name + "=" + f.value : f.name;
  }
  function fieldValues(root) {
    var out = {};
    root.querySelectorAll(NAMED_FIELDS).forEach(function (f) {
      out[fieldKey(f)] = checkable(f) ? f.checked : f.value;
    });
    return out;
  }
  function isFields(evt) {
    var t = evt.detail.target;
    return t && t.id === "settings-fields" ? t : null;
  }
  document.addEventListener("htmx:beforeRequest", function (evt) {
    var t = isFields(evt);
    if (t) t.wdSent = fieldValues(t);
  });
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var t = isFields(evt);
    if (t && t.wdSent) t.wdNow = fieldValues(t);
  });
  document.addEventListener("htmx:afterSwap", function (evt) {
    var t = isFields(evt);
    if (!t || !t.wdSent || !t.wdNow) return;
    var sent = t.wdSent, now = t.wdNow;
    t.wdSent = t.wdNow = null;
    t.querySelectorAll(NAMED_FIELDS).forEach(function (f) {
      var key = fieldKey(f);
      if (!(key in now) || now[key] === sent[key]) return;
      if (checkable(f)) {
        f.checked = now[key];
      } else if (f.tagName !== "SELECT" || Array.prototype.some.call(f.options, function (o) { return o.value === now[key]; })) {
        f.value = now[key];
      }
    });
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

  // Widgets of hidden tabs (data-lazy) load when their tab is first shown;
  // a refresh while they are hidden marks them stale instead.
  function refreshWidgets() {
    if (!window.htmx) return;
    window.htmx.trigger(document.body, "wd-refresh");
    document.querySelectorAll("section.widget[data-lazy]").forEach(function (w) {
      if (w.closest("[hidden]")) {
        if (w.dataset.lazy === "loaded") w.dataset.lazy = "stale";
      } else {
        showWidget(w);
      }
    });
  }

  function loadShown(panel) {
    if (!window.htmx || !panel) return;
    panel.querySelectorAll("section.widget[data-lazy]").forEach(function (w) {
      if (w.dataset.lazy === "loaded") return;
      showWidget(w);
    });
  }

  // The page may show a tab (from the address) before htmx has wired the
  // widgets up; processing first makes the trigger land either way.
  function showWidget(w) {
    w.dataset.lazy = "loaded";
    window.htmx.process(w);
    window.htmx.trigger(w, "wd-show");
  }

  // The page's state (range, refresh) lives in the address, so a reload or
  // a shared link shows the same; other parameters are kept.
  function setParams(change) {
    var params = new URLSearchParams(location.search);
    change(params);
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  // The dashboard's export menu follows the range shown.
  function syncExportMenu(form) {
    var exp = document.querySelector(".export-menu form");
    if (!exp) return;
    ["range", "from", "to"].forEach(function (name) {
      if (exp.elements[name] && form.elements[name]) exp.elements[name].value = form.elements[name].value;
    });
  }

  function setupRange() {
    var form = document.getElementById("range-form");
    if (!form) return;
    var custom = document.getElementById("custom-range");
    form.addEventListener("change", function () {
      var range = form.elements.range.value;
      if (custom) custom.hidden = range !== "custom";
      if (range === "custom" && !(form.elements.from.value && form.elements.to.value)) return;
      setParams(function (params) {
        params.set("range", range);
        if (range === "custom") {
          params.set("from", form.elements.from.value);
          params.set("to", form.elements.to.value);
        } else { params.delete("from"); params.delete("to"); }
      });
      syncExportMenu(form);
      refreshWidgets();
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
  }

  function setupRefresh() {
    var select = document.getElementById("refresh");
    if (!select) return;
    var timer = null;
    var fromUrl = new URLSearchParams(location.search).get("refresh");
    var saved = fromUrl || localStorage.getItem("wasmdash.refresh");
    if (saved && select.querySelector('option[value="' + CSS.escape(saved) + '"]')) select.value = saved;
    function apply(changed) {
      if (timer) clearInterval(timer);
      timer = null;
      var secs = parseInt(select.value, 10) || 0;
      localStorage.setItem("wasmdash.refresh", String(secs));
      if (changed || fromUrl) {
        setParams(function (params) {
          if (secs > 0) params.set("refresh", String(secs)); else params.delete("refresh");
        });
      }
      document.body.classList.toggle("auto-refresh", secs > 0);
      if (secs > 0) timer = setInterval(refreshWidgets, secs * 1000);
    }
    select.addEventListener("change", function () { apply(true); });
    apply(false);
  }

  function showTab(index) {
    var found = false;
    document.querySelectorAll('.tabs [role="tab"]').forEach(function (t) {
      var on = t.getAttribute("data-tab") === index;
      found = found || on;
      t.setAttribute("aria-selected", String(on));
    });
    if (!found) return;
    document.querySelectorAll(".tab-panel").forEach(function (p) {
      p.hidden = p.getAttribute("data-tab") !== index;
      if (!p.hidden) loadShown(p);
    });
    // Remember the tab in the address so a reload stays on it.
    history.replaceState(null, "", location.pathname + location.search + "#tab-" + index);
  }

  function setupTabs() {
    document.querySelectorAll('.tabs [role="tab"]').forEach(function (tab) {
      tab.addEventListener("click", function () { showTab(tab.getAttribute("data-tab")); });
    });
    var m = /^#tab-(\d+)$/.exec(location.hash);
    if (m) showTab(m[1]);
  }

  // Move a widget to another tab while editing (the "Move to tab" control,
  // or a drag dropped on a tab's button): the widget goes to the bottom of
  // that tab's grid, keeping its size. Like a drag, it only changes the
  // arrangement on the page; "Save layout" saves it with the rest (each
  // widget's tab is part of the layout save) and "Cancel" drops it.
  function moveToTab(widgetId, tab) {
    if (!editing) return;
    var el = document.querySelector('.grid-stack-item[gs-id="' + CSS.escape(widgetId) + '"]');
    var dst = layoutGrids.filter(function (g) { return g.el.getAttribute("data-tab") === String(tab); })[0];
    var src = el && el.gridstackNode && el.gridstackNode.grid;
    if (!el || !dst || !src) return;
    if (src !== dst) {
      // Sizes and places in the full 12 columns (a phone shows one).
      var size = placeOf(src, widgetId);
      var bottom = 0;
      dst.save(false).forEach(function (n) { bottom = Math.max(bottom, (n.y || 0) + (n.h || 1)); });
      src.removeWidget(el, false);
      dst.el.appendChild(el);
      dst.makeWidget(el, { id: widgetId, x: 0, y: bottom, w: size.w, h: size.h });
      // gridstack drops the attribute with the old node; the page and
      // the layout save find widgets by it.
      el.setAttribute("gs-id", widgetId);
      moved[widgetId] = { x: 0, y: bottom, w: size.w, h: size.h };
      var select = el.querySelector("form[data-move-widget] select");
      if (select) select.value = String(tab);
      markDirty();
      emptyTabNotes();
    }
    showTab(String(tab));
    // A widget of a hidden tab that was never shown loads now.
    var widget = el.querySelector("section.widget[data-lazy]");
    if (widget && widget.dataset.lazy !== "loaded" && window.htmx) showWidget(widget);
  }

  // A widget's place in the grid's 12-column layout.
  function placeOf(grid, id) {
    var found = grid.save(false).filter(function (n) { return String(n.id) === String(id); })[0] || {};
    return { x: found.x || 0, y: found.y || 0, w: found.w || 1, h: found.h || 1 };
  }

  // "Nothing on this tab yet" only on tabs that have nothing.
  function emptyTabNotes() {
    document.querySelectorAll(".tab-panel").forEach(function (panel) {
      var note = panel.querySelector(".empty-tab");
      if (note) note.hidden = !!panel.querySelector(".grid-stack-item");
    });
  }

  function markDirty() {
    dirty = true;
    var note = document.querySelector("#layout-form .layout-note");
    if (note && !note.querySelector(".conflict")) note.textContent = "Unsaved changes";
  }

  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!form.matches || !form.matches("form[data-move-widget]")) return;
    evt.preventDefault();
    var id = form.getAttribute("data-move-widget");
    moveToTab(id, form.elements.tab.value);
    // Keyboard users stay on the widget they moved.
    var again = document.querySelector('form[data-move-widget="' + CSS.escape(id) + '"] select');
    if (again) again.focus();
  });

  // The import form: a chosen file fills the JSON field.
  document.addEventListener("change", function (evt) {
    if (evt.target.id !== "import-file" || !evt.target.files.length) return;
    var field = document.getElementById("import-document");
    evt.target.files[0].text().then(function (text) { if (field) field.value = text; });
  });

  // The grid: static while viewing; "Edit layout" enables drag, resize and
  // moves between tabs, which collect on the page until "Save layout".
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
      // Changes collect while editing; one Save makes one version.
      grid.on("change dropped", function () {
        if (editing) markDirty();
      });
      // A widget dropped on another tab's button moves to that tab.
      grid.on("dragstop", function (evt, item) {
        var tab = tabUnder(lastPointer);
        var from = el.getAttribute("data-tab");
        if (tab !== null && tab !== from && item) moveToTab(item.getAttribute("gs-id"), tab);
      });
    });
    var toggle = document.getElementById("edit-toggle");
    if (!toggle) return;
    function setEditing(on) {
      editing = on;
      toggle.hidden = on;
      toggle.setAttribute("aria-pressed", String(on));
      var bar = document.getElementById("layout-form");
      if (bar) bar.hidden = !on;
      document.body.classList.toggle("editing", on);
      grids.forEach(function (g) { g.setStatic(!on); });
    }
    layoutGrids = grids;
    leaveEditing = setEditing;
    toggle.addEventListener("click", function () {
      dirty = false;
      // On a phone the toggle sits in the folded action menu: close it.
      var menu = document.getElementById("head-menu-toggle");
      if (menu) menu.checked = false;
      var note = document.querySelector("#layout-form .layout-note");
      if (note) note.textContent = "";
      setStatus("");
      setEditing(true);
    });
    window.addEventListener("beforeunload", function (e) {
      if (dirty) { e.preventDefault(); e.returnValue = ""; }
    });
  }

  var layoutGrids = [];
  var leaveEditing = function () {};

  // Every widget's place on every grid (one grid per tab), as the layout
  // save's `items` field.
  function layoutItems() {
    var items = [];
    layoutGrids.forEach(function (g) {
      var tab = parseInt(g.el.getAttribute("data-tab"), 10) || 0;
      // On one column (a phone), a widget moved here has no 12-column
      // place in gridstack's memory yet: it keeps the one it was given.
      var wide = g.getColumn() === 12;
      g.save(false).forEach(function (n) {
        var p = (!wide && moved[n.id]) || n;
        items.push({ id: n.id, x: p.x || 0, y: p.y || 0, w: p.w || 1, h: p.h || 1, tab: tab });
      });
    });
    return JSON.stringify(items);
  }

  // "Save layout" (and, after a conflict, "Overwrite" or "Save as a copy")
  // submit the edit bar through htmx with the places filled in; nothing
  // moved means nothing to save.
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!form || form.id !== "layout-form") return;
    var conflict = form.querySelector(".conflict");
    if (!dirty && !conflict) {
      evt.preventDefault();
      evt.stopImmediatePropagation();
      leaveEditing(false);
      return;
    }
    form.elements.items.value = layoutItems();
  }, true);

  // A saved layout: the page takes the new version and leaves edit mode.
  document.addEventListener("wd-layout-saved", function (evt) {
    var version = String(evt.detail.version);
    var form = document.getElementById("layout-form");
    if (form) {
      form.elements.version.value = version;
      form.elements.message.value = "";
    }
    layoutGrids.forEach(function (g) { g.el.setAttribute("data-version", version); });
    dirty = false;
    moved = {};
    leaveEditing(false);
    setStatus("Saved as version " + version);
  });

  // Leaving on purpose (a save as a copy, "Reload", "Cancel") drops the
  // unsaved arrangement without the browser's "leave page?" question.
  document.addEventListener("htmx:beforeOnLoad", function (evt) {
    var elt = evt.detail.elt;
    if (elt && elt.closest && elt.closest("#layout-form") && evt.detail.xhr.getResponseHeader("HX-Redirect")) {
      dirty = false;
    }
  });
  document.addEventListener("click", function (evt) {
    var target = evt.target.closest && evt.target.closest("[data-discard], #edit-cancel");
    if (!target) return;
    dirty = false;
    // Reloading this page keeps its range, refresh and tab.
    if (target.id === "edit-cancel" || new URL(target.href, location.href).pathname === location.pathname) {
      evt.preventDefault();
      location.reload();
    }
  });

  var editing = false;
  var dirty = false;
  // Widgets moved to another tab since the last save: id → 12-column place.
  var moved = {};

  var lastPointer = null;
  document.addEventListener("pointermove", function (e) { lastPointer = { x: e.clientX, y: e.clientY }; }, true);
  document.addEventListener("mousemove", function (e) { lastPointer = { x: e.clientX, y: e.clientY }; }, true);

  function tabUnder(point) {
    if (!point) return null;
    var hits = document.elementsFromPoint(point.x, point.y);
    for (var i = 0; i < hits.length; i++) {
      var tab = hits[i].closest && hits[i].closest('.tabs [role="tab"]');
      if (tab) return tab.getAttribute("data-tab");
    }
    return null;
  }

  // On phones list tables stack their rows (app.css); each cell is
  // labelled with its column's header there. Headers read only by screen
  // readers (a row's actions) label nothing.
  function labelCells(root) {
    var tables = root.querySelectorAll ? root.querySelectorAll("table.list") : [];
    Array.prototype.forEach.call(tables, function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.querySelector(".sr-only") ? "" : th.textContent.trim();
      });
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (tr) {
        Array.prototype.forEach.call(tr.children, function (cell, i) {
          if (heads[i] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", heads[i]);
        });
      });
    });
  }
  document.addEventListener("htmx:afterSwap", function () { labelCells(document); });

  function start() {
    labelCells(document);
    watchSizes(document);
    setupRange();
    setupRefresh();
    setupTabs();
    setupGrid();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
