/* crm-health page behaviour. No inline scripts (CSP script-src 'self'): pages pass
   data in <script type="application/json"> blocks (Django's json_script) and this file
   reads them. */
(function () {
  "use strict";

  // htmx requests carry the CSRF token from the <meta> tag.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) event.detail.headers["X-CSRFToken"] = meta.content;
  });

  // A failed htmx request says so instead of failing silently.
  document.addEventListener("htmx:responseError", function (event) {
    showToast("The server could not do that (" + event.detail.xhr.status + "). Please try again.");
  });
  document.addEventListener("htmx:sendError", function () {
    showToast("The server cannot be reached. Check your connection and try again.");
  });

  function showToast(text) {
    var toast = document.getElementById("toast");
    if (!toast) {
      toast = document.createElement("div");
      toast.id = "toast";
      toast.className = "toast";
      toast.setAttribute("role", "alert");
      document.body.appendChild(toast);
    }
    toast.textContent = text;
    toast.hidden = false;
    clearTimeout(showToast.timer);
    showToast.timer = setTimeout(function () { toast.hidden = true; }, 6000);
  }

  // Charts: <div data-chart="ID"> where ID names a json_script block holding a plotly
  // figure ({data, layout}) built in Python.
  function renderCharts(root) {
    if (!window.Plotly) return;
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source || el.classList.contains("chart-ready")) return;
      var figure = JSON.parse(source.textContent);
      el.classList.add("chart-ready");
      window.Plotly.react(el, figure.data || [], figure.layout || {}, {
        displayModeBar: false,
        responsive: true,
      });
      if (el.dataset.chartLinks !== undefined) {
        // Points carry their page's URL as customdata[0]: a click opens it.
        el.on("plotly_click", function (data) {
          var point = data.points && data.points[0];
          var url = point && point.customdata && point.customdata[0];
          if (typeof url === "string" && url.charAt(0) === "/") window.location.assign(url);
        });
      }
    });
  }

  // "Select all" checkboxes: <input type="checkbox" data-select-all="NAME">.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.matches && box.matches("[data-select-all]")) {
      document.querySelectorAll('input[type="checkbox"][name="' + box.dataset.selectAll + '"]')
        .forEach(function (other) { other.checked = box.checked; });
    }
  });

  // Confirmation for destructive buttons: <button data-confirm="Question?">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", function () { renderCharts(document); });
  // After any swap (including out-of-band ones) draw the charts that are new.
  document.addEventListener("htmx:afterSettle", function () { renderCharts(document); });
})();
