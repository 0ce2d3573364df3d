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
  // Confirm destructive actions.
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.dataset.confirm)) e.preventDefault();
    });
  });
});
