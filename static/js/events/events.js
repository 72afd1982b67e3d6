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
  // Counts typed as 「约200人」 or 「1,200人次」: show the number the portal will read (common/numbers.py reads the
  // same way on the server and asks to confirm before it saves a reading).
  var APPROX = ["大约", "大概", "约", "近", "超过", "逾", "多于", "达", "共", "计"];
  var UNITS = ["人次", "人", "次", "名", "个", "位", "场", "余", "多", "左右", "以上"];
  function readCount(text) {
    var body = text.normalize("NFKC").replace(/[\s,，、']/g, "");
    APPROX.some(function (w) { if (body.indexOf(w) === 0) { body = body.slice(w.length); return true; } return false; });
    var changed = true;
    while (changed) {
      changed = false;
      UNITS.forEach(function (u) {
        if (body.length > u.length && body.slice(-u.length) === u) { body = body.slice(0, -u.length); changed = true; }
      });
    }
    var m = /^(\d+(?:\.\d+)?)(万)?$/.exec(body);
    if (!m) { return null; }
    var n = parseFloat(m[1]) * (m[2] ? 10000 : 1);
    return Number.isInteger(n) ? n : null;
  }
  document.querySelectorAll("input[data-count]").forEach(function (input) {
    var note = document.querySelector('[data-reading-for="' + input.id + '"]');
    if (!note) { return; }
    var show = function () {
      var text = input.value.trim();
      var n = text ? readCount(text) : null;
      note.hidden = !text || String(n) === text;
      note.classList.toggle("text-danger", n === null);
      note.classList.toggle("text-success", n !== null);
      note.textContent = n === null ? note.getAttribute("data-bad") : note.getAttribute("data-read") + " " + n;
    };
    input.addEventListener("input", show);
    show();
  });
  // Bulk actions (the activity list, the review queue): a select-all box and a count of what is selected. The item
  // boxes sit in the table rows and belong to the bulk form through their `form` attribute.
  document.querySelectorAll("[data-select-all]").forEach(function (all) {
    var formId = all.getAttribute("data-select-all");
    var boxes = function () {
      return document.querySelectorAll('input[type=checkbox][name=ids][form="' + formId + '"]');
    };
    var count = document.querySelector('[data-selected-count="' + formId + '"]');
    var update = function () {
      var items = boxes(), n = 0;
      items.forEach(function (b) { if (b.checked) { n += 1; } });
      all.checked = items.length > 0 && n === items.length;
      all.indeterminate = n > 0 && n < items.length;
      if (count) { count.textContent = n ? count.getAttribute("data-template").replace("{n}", n) : ""; }
    };
    all.addEventListener("change", function () {
      boxes().forEach(function (b) { b.checked = all.checked; });
      update();
    });
    boxes().forEach(function (b) { b.addEventListener("change", update); });
    update();
  });
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
