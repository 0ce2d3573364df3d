// geomap: the units below a place coloured by a value, drawn with Apache
// ECharts (served by internal/kpi) over boundaries vendored in linli
// (/static/geomap/boundaries/, see NOTICE.md there). Each element of class
// "geomap" takes its answer (GET /api/v1/map/{code}, see internal/geomap)
// from the JSON block named by data-json, or fetches data-base + "?" +
// data-query; a <select class="geomap-layer" data-for="ID"> changes the
// query. Without boundaries (map null) or without script the box stays
// hidden and the page's table is the answer. Clicking a unit opens
// data-drill with {code} replaced. data-current names a unit to outline
// (a district's page showing where it lies in its city's map).
(function () {
  "use strict";
  var colors = { met: "#2e7d32", on_track: "#1565c0", behind: "#c62828", not_judged: "#b0bec5",
    not_applicable: "#eceff1", no_data: "#eceff1" };
  var waiting = {};

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // load runs cb once the map's boundaries are registered with ECharts.
  function load(ref, cb) {
    if (echarts.getMap(ref.name)) { cb(); return; }
    if (waiting[ref.src]) { waiting[ref.src].push(cb); return; }
    waiting[ref.src] = [cb];
    var s = document.createElement("script");
    s.src = ref.src;
    s.onload = function () {
      var cbs = waiting[ref.src];
      delete waiting[ref.src];
      cbs.forEach(function (f) { f(); });
    };
    document.head.appendChild(s);
  }

  function box(el) { return el.closest(".geomap-box") || el.parentNode; }

  function draw(el, d) {
    var b = box(el);
    var note = b.querySelector(".geomap-note");
    if (!d || !d.map) { b.hidden = true; return; }
    b.hidden = false;
    load(d.map, function () {
      var chart = echarts.getInstanceByDom(el) || echarts.init(el);
      var byStatus = d.layer === "indicator";
      var current = el.getAttribute("data-current") || "";
      var scale = d.share ? 100 : 1;
      var data = d.areas.filter(function (a) { return a.boundary; }).map(function (a) {
        var item = { name: a.feature, code: a.code, unit: a.name, label: a.label,
          value: a.value === null ? NaN : Math.round(a.value * scale * 10) / 10 };
        if (byStatus) item.itemStyle = { areaColor: colors[a.status] || "#eceff1" };
        if (a.code === current) {
          item.itemStyle = item.itemStyle || {};
          item.itemStyle.borderColor = "#e65100";
          item.itemStyle.borderWidth = 3;
          item.label = { show: true, fontWeight: "bold", color: "#e65100" };
        }
        return item;
      });
      var opt = {
        animation: false,
        tooltip: { trigger: "item", formatter: function (p) {
          var x = p.data || {};
          return esc(x.unit || p.name) + "<br>" + esc(x.label || "—");
        } },
        series: [{ type: "map", map: d.map.name, roam: false, selectedMode: false,
          label: { show: true, fontSize: 10 }, emphasis: { label: { show: true } },
          data: data }]
      };
      if (!byStatus) {
        opt.visualMap = { type: "continuous", min: d.min * scale, max: Math.max(d.max * scale, d.min * scale + 1),
          left: 0, bottom: 0, itemHeight: 90, calculable: false, precision: d.share ? 1 : 0,
          text: [d.share ? Math.round(d.max * 1000) / 10 + "%" : String(d.max), d.share ? "0%" : String(d.min)],
          inRange: { color: ["#e3f2fd", "#0d47a1"] }, outOfRange: { color: "#eceff1" } };
      }
      chart.setOption(opt, true);
      chart.off("click");
      var drill = el.getAttribute("data-drill");
      if (drill) {
        chart.on("click", function (p) {
          if (p.data && p.data.code) window.location.href = drill.replace("{code}", encodeURIComponent(p.data.code));
        });
      }
      if (note) {
        // the menu's label is in the page's language
        var menu = document.querySelector('select.geomap-layer[data-for="' + el.id + '"]');
        var t = menu && menu.selectedIndex >= 0 ? menu.options[menu.selectedIndex].text : d.title;
        if (d.missing.length) t += " · " + (el.getAttribute("data-missing") || "").replace("{n}", d.missing.length);
        note.textContent = t;
      }
      el.setAttribute("data-drawn", d.layer + ":" + d.key);
    });
  }

  function fetchDraw(el) {
    var src = el.getAttribute("data-base") + "?" + el.getAttribute("data-query");
    fetch(src, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) { draw(el, d); })
      .catch(function () { box(el).hidden = true; });
  }

  function init() {
    if (typeof echarts === "undefined") return;
    var els = document.querySelectorAll(".geomap");
    Array.prototype.forEach.call(els, function (el) {
      var j = el.getAttribute("data-json");
      if (j) {
        var block = document.getElementById(j);
        var d = null;
        try { d = JSON.parse(block.textContent); } catch (e) { return; }
        draw(el, d);
      } else if (el.getAttribute("data-base")) {
        fetchDraw(el);
      }
    });
    Array.prototype.forEach.call(document.querySelectorAll("select.geomap-layer"), function (s) {
      s.addEventListener("change", function () {
        var el = document.getElementById(s.getAttribute("data-for"));
        if (!el) return;
        el.setAttribute("data-query", s.value);
        fetchDraw(el);
      });
    });
    window.addEventListener("resize", function () {
      Array.prototype.forEach.call(els, function (el) {
        var c = echarts.getInstanceByDom(el);
        if (c) c.resize();
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
