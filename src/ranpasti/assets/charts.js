/* Interactive charts on request. Every chart is a static SVG image drawn at build time, which is what most
   readers need and what a phone on a slow connection can afford. This script only offers a button under each
   chart; the vendored Vega libraries (no CDN, ~830 KB) are loaded the first time a reader presses one, and
   the chart is then drawn from its inert Vega-Lite spec (<script type="application/json" class="rp-spec">)
   in Indonesian number and date formats, in the space the image held (no layout shift). */
(function () {
  "use strict";
  var base = document.currentScript ? document.currentScript.src : "";
  var formatLocale = {decimal: ",", thousands: ".", grouping: [3], currency: ["Rp", ""]};
  var timeFormatLocale = {
    dateTime: "%A, %e %B %Y %X", date: "%d/%m/%Y", time: "%H.%M.%S", periods: ["", ""],
    days: ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"],
    shortDays: ["Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"],
    months: ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
             "Oktober", "November", "Desember"],
    shortMonths: ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
  };
  var loading = null;

  function script(name) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = new URL("vendor/" + name, base).href;
      s.onload = resolve;
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }
  function vega() {  // the three libraries, in order, once per page
    if (!loading) {
      loading = script("vega.min.js").then(function () { return script("vega-lite.min.js"); })
        .then(function () { return script("vega-embed.min.js"); });
    }
    return loading;
  }
  function interactive(fig, button) {
    var img = fig.querySelector("img.rp-static");
    var target = fig.querySelector(".rp-vega");
    var source = fig.querySelector("script.rp-spec");
    var spec;
    try { spec = JSON.parse(source.textContent); } catch (e) { button.textContent = "Grafik interaktif tidak tersedia"; return; }
    // Vega's own labels ("Vega visualization", one per mark) would replace the chart's Indonesian description
    spec.description = img ? img.alt : "";
    spec.config = Object.assign({}, spec.config, {aria: false});
    button.disabled = true;
    button.textContent = "Memuat grafik interaktif…";
    vega().then(function () {
      if (img) { target.style.minHeight = img.offsetHeight + "px"; }
      target.hidden = false;
      return vegaEmbed(target, spec, {renderer: "svg", actions: false, formatLocale: formatLocale,
                                      timeFormatLocale: timeFormatLocale});
    }).then(function () {
      if (img) { img.hidden = true; }
      target.style.minHeight = "";
      target.setAttribute("role", "img");
      target.setAttribute("aria-label", spec.description);
      fig.classList.add("rp-drawn");
      button.hidden = true;
    }).catch(function () {
      target.hidden = true;
      button.disabled = false;
      button.textContent = "Grafik interaktif gagal dimuat; coba lagi";
    });
  }
  function offer() {
    document.querySelectorAll("figure.rp-chart").forEach(function (fig) {
      var button = fig.querySelector("button.rp-interactive");
      if (!button || !fig.querySelector("script.rp-spec")) { return; }
      button.hidden = false;
      button.addEventListener("click", function () { interactive(fig, button); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", offer); } else { offer(); }
  // a printed evaluation is a report: its annexes (closed on screen) are printed open, at the end
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.rp-annex").forEach(function (d) { d.open = true; });
  });
})();
