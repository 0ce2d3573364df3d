// A campaign page: draws activities, beneficiaries and volunteer hours by
// month with Apache ECharts (vendored at /static/kpi/), from the JSON block
// the page carries. Every number is also in the page's tables.
(function () {
  "use strict";
  function init() {
    var el = document.getElementById("campaign-data");
    var div = document.getElementById("campaign-chart");
    if (!el || !div || typeof echarts === "undefined") return;
    var d;
    try { d = JSON.parse(el.textContent); } catch (e) { return; }
    if (!d.months || !d.months.length) return;
    var chart = echarts.init(div);
    chart.setOption({
      animation: false,
      legend: { data: d.labels, top: 0 },
      grid: { left: 44, right: 44, top: 36, bottom: 48 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: d.months, axisLabel: { rotate: d.months.length > 8 ? 40 : 0 } },
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value", position: "right" }],
      series: [
        { name: d.labels[0], type: "bar", data: d.activities, barMaxWidth: 28 },
        { name: d.labels[1], type: "line", data: d.beneficiaries, yAxisIndex: 1 },
        { name: d.labels[2], type: "line", data: d.hours, yAxisIndex: 1 }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
