/* An import's upload form shows 「正在读取…」 while the file is sent and checked (issue 12: a 1,500-row preview
   waited 11.8 s with nothing on the screen). No dependency; the page's strings come from data attributes. */
(function () {
  "use strict";
  function start(form) {
    var box = form.querySelector("[data-import-progress-bar]");
    if (!box) { return; }
    var bar = box.querySelector(".progress-bar");
    var text = box.querySelector("[data-import-progress-text]");
    var label = text ? text.getAttribute("data-label") || text.textContent : "";
    var seconds = text ? text.getAttribute("data-seconds") || "" : "";
    var started = Date.now();
    box.classList.remove("d-none");
    form.setAttribute("aria-busy", "true");
    Array.prototype.forEach.call(form.querySelectorAll("button[type=submit], button:not([type])"), function (b) {
      b.disabled = true;
    });
    window.setInterval(function () {
      var elapsed = Math.floor((Date.now() - started) / 1000);
      /* an eased bar: it never claims to be done before the page answers */
      var width = Math.round(95 * (1 - Math.exp(-elapsed / 8)));
      if (bar) { bar.style.width = width + "%"; bar.setAttribute("aria-valuenow", String(width)); }
      if (text && seconds) { text.textContent = label + " " + seconds.replace("%s", String(elapsed)); }
    }, 500);
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.hasAttribute && form.hasAttribute("data-import-progress")) {
      var file = form.querySelector("input[type=file]");
      if (file && file.files && file.files.length) {
        /* after the browser has taken the form's data: disabling the button first would drop its value */
        window.setTimeout(function () { start(form); }, 0);
      }
    }
  });
}());
