/* Base detail: the annual-report chart (visitors and activities per year). Data from json_script. */
(function () {
  "use strict";
  var el = document.getElementById("base-report-chart");
  var dataEl = document.getElementById("base-report-data");
  if (!el || !dataEl || typeof echarts === "undefined") { return; }
  var data = JSON.parse(dataEl.textContent);
  el.style.height = "260px";
  var chart = echarts.init(el, null, { locale: "ZH" });
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [data.labels.visitors, data.labels.activities] },
    grid: { left: 60, right: 50, top: 40, bottom: 30 },
    xAxis: { type: "category", data: data.years },
    yAxis: [{ type: "value", name: data.labels.visitors }, { type: "value", name: data.labels.activities }],
    series: [
      { name: data.labels.visitors, type: "bar", data: data.visitors },
      { name: data.labels.activities, type: "line", yAxisIndex: 1, data: data.activities }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
