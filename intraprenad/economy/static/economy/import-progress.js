/* Live progress of a ledger import: polls the import's status (JSON) every second and updates the
   <progress> bar and its text; reloads the page to show the result when the import has finished.
   Without JavaScript the page has an "Update" link instead. */
(function () {
  "use strict";
  var box = document.querySelector("[data-import-status]");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-import-status");
  var bar = box.querySelector("progress");
  var percent = box.querySelector("[data-progress-text]");
  var message = box.querySelector("[data-message-text]");
  var status = box.querySelector("[data-status-text]");

  function show(data) {
    bar.value = data.progress;
    bar.textContent = data.progress + " %";
    percent.textContent = data.progress + " %";
    if (message.textContent !== data.message) {
      message.textContent = data.message;
    }
    status.textContent = data.status_display;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) {
          window.setTimeout(poll, 3000);
          return;
        }
        show(data);
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, 1000);
})();
