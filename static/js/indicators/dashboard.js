/* Dashboard charts: each chart draws the same rows as the table beside it. */
(function () {
  "use strict";
  var dataEl = document.getElementById("chart-data");
  if (!dataEl || typeof echarts === "undefined") { return; }
  var data = JSON.parse(dataEl.textContent);
  var locale = document.documentElement.lang === "en" ? "EN" : "ZH";

  function bar(names, series, stacked) {
    return {
      tooltip: { trigger: "axis" }, legend: {}, grid: { left: 60, right: 60, bottom: 40 },
      xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 7 ? 30 : 0 } },
      yAxis: series.length > 1 && !stacked ? [{ type: "value" }, { type: "value" }] : [{ type: "value" }],
      series: series.map(function (s, i) {
        return { name: s.name, type: s.type || "bar", data: s.data, stack: stacked ? "total" : undefined,
                 yAxisIndex: stacked ? 0 : Math.min(i, 1) };
      })
    };
  }

  var builders = {
    literacy: function (d) {
      // a time axis: 2016, 2020, 2022 … are spaced by years, not evenly
      var last = d.target ? d.target[0] : new Date().getFullYear();
      var series = [{ name: "全市", type: "line", data: d.rows }];
      if (d.region_rows && d.region_rows.length) {
        series.push({ name: "本区", type: "line", data: d.region_rows });
      }
      if (d.target) {
        series[0].markLine = { symbol: "none", label: { formatter: d.target[0] + "年目标 " + d.target[1] + "%" },
                               data: [{ yAxis: d.target[1] }] };
        series.push({ name: "目标", type: "scatter", symbol: "diamond", symbolSize: 12, data: [d.target] });
      }
      return { tooltip: { trigger: "axis" }, legend: {},
               xAxis: { type: "value", min: 2015, max: Math.max(last, new Date().getFullYear()) + 1, interval: 1,
                        axisLabel: { formatter: function (v) { return String(v); } } },
               yAxis: { type: "value", axisLabel: { formatter: "{value}%" }, min: 0, max: 25 }, series: series };
    },
    bases: function (rows) {
      var names = rows.map(function (r) { return r[0]; });
      return bar(names, [
        { name: "国家级", data: rows.map(function (r) { return r[1]; }) },
        { name: "省级", data: rows.map(function (r) { return r[2]; }) },
        { name: "市级", data: rows.map(function (r) { return r[3]; }) }
      ], true);
    },
    activities_region: function (rows) {
      return bar(rows.map(function (r) { return r[0]; }), [
        { name: "活动项数", data: rows.map(function (r) { return r[1]; }) },
        { name: "参与人次", type: "line", data: rows.map(function (r) { return r[2]; }) }
      ]);
    },
    activities_campaign: function (rows) {
      return bar(rows.map(function (r) { return r[0]; }), [
        { name: "活动项数", data: rows.map(function (r) { return r[1]; }) },
        { name: "参与人次", type: "line", data: rows.map(function (r) { return r[2]; }) }
      ]);
    },
    activities_year: function (rows) {
      return bar(rows.map(function (r) { return String(r[0]); }), [
        { name: "活动项数", data: rows.map(function (r) { return r[1]; }) },
        { name: "参与人次", type: "line", data: rows.map(function (r) { return r[2]; }) }
      ]);
    },
    campaign_history: function (rows) {
      return bar(rows.map(function (r) { return String(r[0]); }), [
        { name: "活动项数", data: rows.map(function (r) { return r[1]; }) },
        { name: "参与人次", type: "line", data: rows.map(function (r) { return r[2]; }) }
      ]);
    },
    activities_month: function (rows) {
      return bar(rows.map(function (r) { return r[0]; }), [
        { name: "活动项数", data: rows.map(function (r) { return r[1]; }) },
        { name: "参与人次", type: "line", data: rows.map(function (r) { return r[2]; }) }
      ]);
    }
  };

  // print pages (and their PDF) draw at once, without animation, so that the page is complete when printed
  var still = document.body.hasAttribute("data-print-charts");
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var name = el.getAttribute("data-chart");
    if (!builders[name] || !data[name]) { return; }
    var chart = echarts.init(el, null, { locale: locale, renderer: "svg" });
    var option = builders[name](data[name]);
    if (still) { option.animation = false; }
    chart.setOption(option);
    charts.push(chart);
    window.addEventListener("resize", function () { chart.resize(); });
  });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
  document.documentElement.setAttribute("data-charts-drawn", String(charts.length));
}());

/* A select marked data-autosubmit (year, metric, campaign) submits its form when changed. */
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
}());
