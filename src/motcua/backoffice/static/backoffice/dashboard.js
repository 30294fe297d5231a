// Dashboard: reload every few minutes, unless the officer is changing the filters. A static file rather than
// an inline script, so that the Content Security Policy can refuse every inline script (docs/security.md).
(function () {
  "use strict";
  var script = document.currentScript;
  var seconds = parseInt(script && script.dataset.refreshSeconds, 10);
  if (!seconds) {
    return;
  }
  var form = document.querySelector("[data-dashboard-filters]");
  var edited = false;
  if (form) {
    form.addEventListener("input", function () { edited = true; });
    form.addEventListener("change", function () { edited = true; });
  }
  setInterval(function () {
    var focused = form && form.contains(document.activeElement);
    if (!edited && !focused) {
      window.location.reload();
    }
  }, seconds * 1000);
})();
