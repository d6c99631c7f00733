// Each chart as PNG or SVG, made in the browser by plotly.js (Plotly.downloadImage: nothing
// is fetched). The charts themselves are drawn by workforce/charts.js, shared by every page
// with Plotly charts. Without JavaScript the buttons stay hidden; the CSV links remain.
(function () {
  "use strict";
  function wire() {
    if (typeof window.Plotly === "undefined") {
      return;
    }
    var buttons = document.querySelectorAll("[data-jup-image]");
    Array.prototype.forEach.call(buttons, function (button) {
      button.parentNode.hidden = false;
      button.addEventListener("click", function () {
        var target = document.getElementById(button.getAttribute("data-jup-target"));
        window.Plotly.downloadImage(target, {
          format: button.getAttribute("data-jup-image"), width: 1000, height: 500,
          filename: button.getAttribute("data-jup-target")
        });
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
