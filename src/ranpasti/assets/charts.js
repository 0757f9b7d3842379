/* Draw every chart on the page with the vendored Vega libraries (no CDN), in Indonesian number and date
   formats. Each chart's Vega-Lite spec is inert JSON in <script type="application/json" class="rp-spec">;
   the figure also carries a data table (and, on larger units, an SVG image for readers without JavaScript). */
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
  function fail(target) {
    target.removeAttribute("role");
    target.removeAttribute("aria-label");
    target.textContent = "Grafik tidak dapat ditampilkan; lihat tabel datanya di bawah.";
  }
  function draw() {
    var figures = document.querySelectorAll("figure.rp-chart");
    if (typeof vegaEmbed !== "function") {
      figures.forEach(function (fig) { var t = fig.querySelector(".rp-vega"); if (t) { fail(t); } });
      return;
    }
    figures.forEach(function (fig) {
      var target = fig.querySelector(".rp-vega");
      var source = fig.querySelector("script.rp-spec");
      if (!target || !source || target.getAttribute("data-drawn")) { return; }
      var spec;
      try { spec = JSON.parse(source.textContent); } catch (e) { fail(target); return; }
      target.setAttribute("data-drawn", "1");
      vegaEmbed(target, spec, {renderer: "svg", actions: false, formatLocale: formatLocale,
                               timeFormatLocale: timeFormatLocale}).then(function (result) {
        fig.classList.add("rp-drawn");
        return result;
      }).catch(function () { fail(target); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
  // a printed evaluation is a report: its annexes (closed on screen) are printed open, at the end
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.rp-annex").forEach(function (d) { d.open = true; });
  });
})();
