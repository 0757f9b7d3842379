/* Home page region jump box: type a province, kabupaten/kota or kecamatan name, pick it, go to its page.
   The list is assets/wilayah.json, written by the build (fetched lazily on first use; from file:// the same
   list is loaded as assets/wilayah.js). Without JavaScript the form opens the search page instead. */
(function () {
  "use strict";
  var form = document.getElementById("rp-jump");
  if (!form) { return; }
  var input = document.getElementById("rp-jump-input");
  var list = document.getElementById("rp-jump-list");
  var msg = document.getElementById("rp-jump-msg");
  var root = form.getAttribute("data-root") || "";
  var pages = null;
  var loading = null;

  function viaScript() {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = root + "assets/wilayah.js";
      s.onload = function () { resolve(window.RP_WILAYAH || []); };
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }
  function load() {
    if (pages) { return Promise.resolve(pages); }
    if (!loading) {
      var get = window.location.protocol === "file:" ? viaScript() :
        fetch(root + "assets/wilayah.json").then(function (r) {
          if (!r.ok) { throw new Error(r.status); }
          return r.json();
        }).catch(viaScript);
      loading = get.then(function (data) {
        pages = data;
        var frag = document.createDocumentFragment();
        data.forEach(function (p) { var o = document.createElement("option"); o.value = p.t; frag.appendChild(o); });
        list.appendChild(frag);
        return data;
      });
    }
    return loading;
  }
  function norm(s) { return s.trim().toLowerCase().replace(/\s+/g, " "); }
  input.addEventListener("focus", load);
  input.addEventListener("input", load);
  form.addEventListener("submit", function (ev) {
    var q = norm(input.value);
    if (!q) { ev.preventDefault(); msg.textContent = "Ketik nama wilayah dahulu."; return; }
    ev.preventDefault();
    load().then(function (data) {
      var exact = data.filter(function (p) { return norm(p.t) === q; });
      var part = exact.length ? exact : data.filter(function (p) { return norm(p.t).indexOf(q) >= 0; });
      if (part.length === 1 || exact.length >= 1) {
        window.location.href = root + part[0].u;
      } else {
        /* none or several: the search page lists every match */
        window.location.href = root + "cari/index.html?q=" + encodeURIComponent(input.value.trim());
      }
    }).catch(function () { form.submit(); });
  });
})();
