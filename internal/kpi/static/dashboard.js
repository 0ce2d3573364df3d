// The targets dashboard: draws each indicator's comparison of the units one
// level down with Apache ECharts, from the JSON block the page carries, and
// wires the report's print button. Every number is also in the page's
// tables, so the page works without this script.
(function () {
  "use strict";
  var colors = { met: "#2e7d32", on_track: "#1565c0", behind: "#c62828", not_judged: "#78909c",
    not_applicable: "#cfd8dc", no_data: "#cfd8dc" };

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function draw(c) {
    var div = document.getElementById("kpi-chart-" + c.key);
    if (!div || !c.units || !c.units.length) return;
    var scale = c.share ? 100 : 1;
    var chart = echarts.init(div);
    var bars = c.values.map(function (v, i) {
      return { value: v === null ? 0 : Math.round(v * scale * 10) / 10, itemStyle: { color: colors[c.states[i]] || "#78909c" } };
    });
    var series = { type: "bar", data: bars, barMaxWidth: 36,
      label: { show: bars.length <= 12, position: "top", formatter: c.share ? "{c}%" : "{c}" } };
    if (c.target !== null) {
      series.markLine = { symbol: "none", silent: true, lineStyle: { color: "#ef6c00", type: "dashed" },
        label: { formatter: (c.share ? Math.round(c.target * 1000) / 10 + "%" : String(c.target)) },
        data: [{ yAxis: c.target * scale }] };
    }
    chart.setOption({
      animation: false,
      grid: { left: 44, right: 36, top: 28, bottom: 76 },
      tooltip: { trigger: "item", formatter: function (p) {
        return esc(c.names[p.dataIndex]) + "<br>" + esc(c.labels[p.dataIndex]);
      } },
      xAxis: { type: "category", data: c.names, axisLabel: { rotate: c.names.length > 6 ? 40 : 0, interval: 0 } },
      yAxis: { type: "value", max: c.share ? 100 : null, minInterval: c.share ? 0 : 1,
        axisLabel: { formatter: c.share ? "{value}%" : "{value}" } },
      series: [series]
    });
    chart.on("click", function (p) {
      var u = c.units[p.dataIndex];
      if (u) window.location.href = "/dashboard/" + encodeURIComponent(u) + window.location.search;
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function init() {
    var print = document.getElementById("kpi-print");
    if (print) print.addEventListener("click", function () { window.print(); });
    var el = document.getElementById("kpi-data");
    if (!el || typeof echarts === "undefined") return;
    var data;
    try { data = JSON.parse(el.textContent); } catch (e) { return; }
    (data.charts || []).forEach(draw);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
