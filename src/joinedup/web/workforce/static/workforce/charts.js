// Draws each workforce chart from its JSON data block with the offline plotly.min.js.
// Loaded as a file (the CSP allows no inline script); without JavaScript the tables under
// every chart carry the same figures.
(function () {
  "use strict";
  function draw() {
    if (typeof window.Plotly === "undefined") {
      return;
    }
    var plots = document.querySelectorAll("[data-jup-chart]");
    Array.prototype.forEach.call(plots, function (target) {
      var block = document.getElementById(target.id + "-data");
      if (!block) {
        return;
      }
      var figure = JSON.parse(block.textContent);
      target.hidden = false;
      window.Plotly.newPlot(target, figure.data, figure.layout,
        { displayModeBar: false, responsive: true });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
