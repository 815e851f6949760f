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
  // figure ({data, layout}) built in Python, or, with data-chart-src="URL", the key of
  // that figure in the JSON document the URL returns (one request per URL, however many
  // charts read it; the browser revalidates it with its ETag). A figure the document
  // leaves out has nothing to draw: the element shows its data-chart-empty text.
  var chartDocuments = {};

  function chartDocument(url) {
    if (!chartDocuments[url]) {
      chartDocuments[url] = fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      }).then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      });
      // A failure is not remembered: the next render tries again.
      chartDocuments[url].catch(function () { delete chartDocuments[url]; });
    }
    return chartDocuments[url];
  }

  function drawChart(el, figure) {
    if (!figure) {
      el.dataset.chartState = "empty";
      el.removeAttribute("role");
      el.classList.add("empty");
      el.textContent = el.dataset.chartEmpty || "Nothing to draw yet.";
      return;
    }
    window.Plotly.react(el, figure.data || [], figure.layout || {}, {
      displayModeBar: false,
      responsive: true,
    });
    el.dataset.chartState = "ready";
    el.classList.add("chart-ready");
    if (el.dataset.chartLinks !== undefined) {
      // Points carry their page's URL as customdata[0]: a click opens it.
      el.on("plotly_click", function (data) {
        var point = data.points && data.points[0];
        var url = point && point.customdata && point.customdata[0];
        if (typeof url === "string" && url.charAt(0) === "/") window.location.assign(url);
      });
    }
  }

  function renderCharts(root) {
    if (!window.Plotly) return;
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      // Each element is drawn once: loading, ready, empty or failed, it is left alone.
      if (el.dataset.chartState) return;
      if (el.dataset.chartSrc) {
        el.dataset.chartState = "loading";
        chartDocument(el.dataset.chartSrc).then(
          function (doc) { drawChart(el, doc[el.dataset.chart]); },
          function () {
            el.dataset.chartState = "failed";
            el.textContent = "The chart could not be loaded. Reload the page to try again.";
          }
        );
        return;
      }
      var source = document.getElementById(el.dataset.chart);
      if (!source) return;
      drawChart(el, JSON.parse(source.textContent));
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
