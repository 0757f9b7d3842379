/* Search page: Pagefind's UI over the indexes written at build time, one per province, merged (runs in
   the browser, works offline when the site is served locally). Result links are made relative to the site root, so the site also works
   from a sub-path (GitHub Pages project sites). The header search box sends ?q=...; it is searched at once. */
(function () {
  "use strict";
  function start() {
    if (typeof PagefindUI !== "function") { return; }
    var base = new URL("../", window.location.href).pathname;
    // one index per province (pagefind-wilayah/<kode>/, listed in assets/pencarian.js), merged here
    var shards = (window.RP_PENCARIAN || []).map(function (p) { return {bundlePath: base + p, baseUrl: base}; });
    var ui = new PagefindUI({element: "#search", showSubResults: true, showImages: false, baseUrl: base,
                             resetStyles: false, autofocus: true, mergeIndex: shards});
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) { ui.triggerSearch(q); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
