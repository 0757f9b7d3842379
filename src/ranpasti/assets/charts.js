/* Draw every chart on the page with the vendored Vega libraries (no CDN), in Indonesian number format.
   Each chart's spec is inert JSON in <script type="application/json" class="rp-spec">. */
(function () {
  "use strict";
  var formatLocale = {decimal: ",", thousands: ".", grouping: [3], currency: ["Rp", ""]};
  var timeFormatLocale = {
    dateTime: "%A, %e %B %Y %X", date: "%d/%m/%Y", time: "%H.%M.%S", periods: ["", ""],
    days: ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"],
    shortDays: ["Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"],
    months: ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
             "Oktober", "November", "Desember"],
    shortMonths: ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
  };
  function draw() {
    if (typeof vegaEmbed !== "function") { return; }
    document.querySelectorAll("figure.rp-chart").forEach(function (fig) {
      var target = fig.querySelector(".rp-vega");
      var source = fig.querySelector("script.rp-spec");
      if (!target || !source || target.dataset.drawn) { return; }
      var spec;
      try { spec = JSON.parse(source.textContent); } catch (e) { return; }
      target.dataset.drawn = "1";
      vegaEmbed(target, spec, {renderer: "svg", actions: false, formatLocale: formatLocale,
                               timeFormatLocale: timeFormatLocale}).then(function (result) {
        var svg = target.querySelector("svg");
        if (svg) {
          svg.setAttribute("role", "img");
          svg.setAttribute("aria-label", target.getAttribute("aria-label") || "");
        }
        fig.classList.add("rp-drawn");
        return result;
      }).catch(function () { target.textContent = "Grafik tidak dapat ditampilkan; lihat tabel datanya."; });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
