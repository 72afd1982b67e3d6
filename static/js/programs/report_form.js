// Unit report pages: confirm before submitting, warn about unsaved edits, count narrative
// characters, show the half-year choice only for half-year periods. No inline handlers.
(function () {
  "use strict";

  document.querySelectorAll(".js-confirm").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.dataset.confirm || "确定吗?")) { event.preventDefault(); }
    });
  });
  document.querySelectorAll(".js-confirm-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm || "确定吗?")) { event.preventDefault(); }
    });
  });

  var form = document.querySelector(".js-report-form");
  if (form) {
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
    form.querySelectorAll(".js-narrative").forEach(function (area) {
      var counter = area.parentElement.querySelector(".js-count");
      var update = function () { if (counter) { counter.textContent = area.value.length + " / 5000"; } };
      area.addEventListener("input", update);
      update();
    });
  }

  var kind = document.querySelector("select[name=kind]");
  var half = document.querySelector("select[name=half]");
  if (kind && half) {
    var sync = function () {
      var wrap = half.closest("div");
      if (wrap) { wrap.hidden = kind.value !== "half"; }
      if (kind.value !== "half") { half.value = ""; }
    };
    kind.addEventListener("change", sync);
    sync();
  }
})();
