// wasmdash page behaviour. Loaded from 'self' (the CSP forbids inline script).
// Pages work without it for reading; it adds the grid editor, the CSRF header
// on htmx requests and the dashboard-wide time range and auto-refresh.
(function () {
  "use strict";

  // Every htmx request carries the CSRF token from <meta name="csrf-token">.
  document.addEventListener("htmx:configRequest", function (evt) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) evt.detail.headers["X-CSRF-Token"] = meta.content;
  });
})();
