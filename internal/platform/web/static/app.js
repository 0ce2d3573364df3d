// Progressive enhancement only: every page works without this script.
// Cascading division pickers: <select data-cascade="CHILD_ID"> loads the
// children of the chosen division into the next select.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-cascade]").forEach(function (sel) {
    sel.addEventListener("change", function () {
      var next = document.getElementById(sel.dataset.cascade);
      if (!next) return;
      var chain = next;
      while (chain) { // clear every select further down the chain
        var keep = chain.options[0];
        chain.innerHTML = "";
        chain.appendChild(keep);
        chain = chain.dataset.cascade ? document.getElementById(chain.dataset.cascade) : null;
      }
      if (!sel.value) return;
      fetch("/api/v1/divisions/" + encodeURIComponent(sel.value), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { children: [] }; })
        .then(function (d) {
          (d.children || []).forEach(function (c) {
            var o = document.createElement("option");
            o.value = c.code;
            o.textContent = c.name + (c.org_count !== undefined ? " (" + c.org_count + ")" : "");
            next.appendChild(o);
          });
        });
    });
  });
  // Organization pickers: <input data-pick="/api/v1/orgs/pick?…" list="ID">
  // fills its <datalist> from the registry's search as the user types (the
  // field works without this: the server resolves a typed name).
  document.querySelectorAll("input[data-pick]").forEach(function (inp) {
    var list = inp.list, timer = null, asked = null;
    if (!list) return;
    function load() {
      var q = inp.value.replace(/\s*#\d+$/, "");
      if (q === asked) return;
      asked = q;
      var url = inp.dataset.pick + (inp.dataset.pick.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q);
      fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (d) {
          if (q !== asked) return;
          list.innerHTML = "";
          (d.items || []).forEach(function (c) {
            var o = document.createElement("option");
            o.value = c.value;
            o.textContent = c.place || c.community_code;
            list.appendChild(o);
          });
        });
    }
    inp.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(load, 200);
    });
    inp.addEventListener("focus", load);
  });
  // Confirm destructive actions.
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.dataset.confirm)) e.preventDefault();
    });
  });
});
