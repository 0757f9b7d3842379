/* Home page region jump box: type a kabupaten/kecamatan name, pick it, go to its page. Works offline
   (the list is assets/wilayah.json, written by the build); without JS the overview table links remain. */
(function () {
  "use strict";
  var form = document.getElementById("rp-jump");
  if (!form) { return; }
  var input = form.querySelector("input");
  var list = document.getElementById("rp-jump-list");
  var root = form.getAttribute("data-root") || "";
  var pages = null;
  function load() {
    if (pages) { return Promise.resolve(pages); }
    return fetch(root + "assets/wilayah.json").then(function (r) { return r.json(); }).then(function (data) {
      pages = data;
      data.forEach(function (p) { var o = document.createElement("option"); o.value = p.t; list.appendChild(o); });
      return data;
    });
  }
  input.addEventListener("focus", load);
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    load().then(function (data) {
      var q = input.value.trim().toLowerCase();
      var hit = data.find(function (p) { return p.t.toLowerCase() === q; }) ||
                data.find(function (p) { return p.t.toLowerCase().indexOf(q) >= 0; });
      var msg = document.getElementById("rp-jump-msg");
      if (hit) { window.location.href = root + hit.u; } else if (msg) { msg.textContent = "Wilayah tidak ditemukan."; }
    });
  });
})();
