// Officer pages, enhancements only: every page works without this file. Where it runs, it replaces three
// full-page round trips with small fetches of the same server endpoints (the procedure list, the appointment
// preview, the applicant lookup) — which also keeps the scans already chosen in the file inputs.
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () {
        fn.apply(null, args);
      }, ms);
    };
  }

  function get(url) {
    return fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } }).then(
      function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response;
      }
    );
  }

  // Procedure search as you type; ↓/↑ walk the results, Enter opens one.
  document.querySelectorAll("input[data-bo-search]").forEach(function (input) {
    var results = document.getElementById(input.getAttribute("aria-controls"));
    var last = input.value.trim();
    var run = debounce(function () {
      var q = input.value.trim();
      if (q === last) {
        return;
      }
      last = q;
      get(input.dataset.boSearch + "?q=" + encodeURIComponent(q))
        .then(function (response) {
          return response.text();
        })
        .then(function (html) {
          if (input.value.trim() === q) {
            results.innerHTML = html;
            history.replaceState(null, "", "?q=" + encodeURIComponent(q));
          }
        })
        .catch(function () {});
    }, 150);
    input.addEventListener("input", run);
    input.addEventListener("keydown", function (event) {
      var links = results.querySelectorAll("a");
      if (event.key === "ArrowDown" && links.length) {
        event.preventDefault();
        links[0].focus();
      } else if (event.key === "Enter" && links.length === 1 && input.value.trim() === last) {
        // One match: Enter opens it instead of searching again.
        event.preventDefault();
        links[0].click();
      }
    });
    results.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") {
        return;
      }
      var links = Array.prototype.slice.call(results.querySelectorAll("a"));
      var index = links.indexOf(document.activeElement);
      if (index < 0) {
        return;
      }
      event.preventDefault();
      if (event.key === "ArrowDown" && index < links.length - 1) {
        links[index + 1].focus();
      } else if (event.key === "ArrowUp") {
        (index === 0 ? input : links[index - 1]).focus();
      }
    });
  });

  var form = document.getElementById("intake-form");
  if (!form) {
    return;
  }

  // Live preview of the appointment and the fee.
  var preview = document.getElementById("intake-preview");
  var previewFields = ["thu_tuc", "receiving_unit", "pages", "sets", "is_fee_exempt"];
  function refreshPreview() {
    var params = new URLSearchParams();
    previewFields.forEach(function (name) {
      var field = form.elements[name];
      if (!field) {
        return;
      }
      if (field.type === "checkbox") {
        if (field.checked) {
          params.set(name, "on");
        }
      } else {
        params.set(name, field.value);
      }
    });
    return get(form.dataset.previewUrl + "?" + params.toString())
      .then(function (response) {
        return response.text();
      })
      .then(function (html) {
        preview.innerHTML = html;
      })
      .catch(function () {});
  }
  var refreshSoon = debounce(refreshPreview, 250);
  form.addEventListener("input", function (event) {
    if (previewFields.indexOf(event.target.name) >= 0) {
      refreshSoon();
    }
  });
  form.addEventListener("change", function (event) {
    if (previewFields.indexOf(event.target.name) >= 0) {
      refreshPreview();
    }
  });
  // The clock moves while the applicant waits: past the cut-off the appointment moves a day.
  setInterval(refreshPreview, 60000);
  var previewButton = form.querySelector("button[name=_preview]");
  if (previewButton) {
    previewButton.addEventListener("click", function (event) {
      event.preventDefault();
      refreshPreview();
    });
  }

  // Returning applicant: fill the empty fields from the last intake.
  var idInput = form.elements.applicant_id_number;
  var lookupButton = form.querySelector("button[name=_lookup]");
  var lookupStatus = document.getElementById("lookup-status");
  function lookup() {
    var number = idInput.value.trim();
    if (!number) {
      idInput.focus();
      return;
    }
    // POST: an ID number is personal data and never goes into a URL (logs, history, proxies).
    var body = new FormData();
    body.append("so_dinh_danh", number);
    body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    fetch(form.dataset.lookupUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response;
      })
      .then(function (response) {
        return response.json();
      })
      .then(function (data) {
        lookupStatus.textContent = data.message;
        if (data.found) {
          Object.keys(data.applicant).forEach(function (key) {
            var field = form.elements["applicant_" + key];
            var value = data.applicant[key];
            if (field && value && (field.tagName === "SELECT" || !field.value)) {
              field.value = value;
            }
          });
        }
        form.elements.applicant_name.focus();
      })
      .catch(function () {
        lookupStatus.textContent = "";
      });
  }
  if (idInput && lookupButton) {
    lookupButton.addEventListener("click", function (event) {
      event.preventDefault();
      lookup();
    });
    idInput.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        lookup();
      }
    });
  }
})();
// Print buttons (a receipt): shown only where this script runs, as on the citizen pages (motcua/site.js).
document.querySelectorAll("[data-print-button]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
});
