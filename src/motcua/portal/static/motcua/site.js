// Enhancements only: every page works without this file.
(function () {
  "use strict";
  // Without JavaScript the page shows how to print with the browser instead of a button that cannot work.
  document.querySelectorAll("[data-print-button]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
  document.querySelectorAll("[data-print-hint]").forEach(function (hint) {
    hint.hidden = true;
  });
  // Screen-reader and keyboard users land on the list of errors first (GOV.UK error summary pattern).
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
})();
