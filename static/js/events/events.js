// Activity pages: confirm before destructive actions; show the recommendation reason only when needed.
(function () {
  "use strict";
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  var recommended = document.getElementById("id_recommended");
  var reason = document.getElementById("wrap-recommendation_reason");
  if (recommended && reason) {
    var sync = function () { reason.hidden = !recommended.checked; };
    recommended.addEventListener("change", sync);
    sync();
  }
})();
