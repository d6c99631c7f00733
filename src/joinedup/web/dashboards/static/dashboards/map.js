// The dashboards' choropleth with Leaflet (vendor/leaflet, pinned in package.json): the
// boundaries and colours come in the page's JSON blocks, no tiles are fetched. Selecting an
// area goes one level down (borough -> ward -> LSOA), exactly as the table's links do.
(function () {
  "use strict";
  function popup(school) {
    var box = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = school.name;
    box.appendChild(name);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(school.phase + " (" + school.kind + ")"));
    return box;
  }
  function hubPopup(hub) {
    var box = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = hub.name;
    box.appendChild(name);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(hub.address + ", " + hub.postcode));
    return box;
  }
  function hubIcon() {
    return window.L.divIcon({ className: "jup-hub-marker", iconSize: [14, 14] });
  }
  function draw() {
    var target = document.getElementById("jup-map");
    var block = document.getElementById("jup-map-features");
    if (!target || !block || typeof window.L === "undefined") {
      return;
    }
    var features = JSON.parse(block.textContent);
    var points = JSON.parse(document.getElementById("jup-map-points").textContent) || [];
    target.hidden = false;
    var map = window.L.map(target, { zoomSnap: 0.25 });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(target.getAttribute("data-attribution"));
    var level = target.getAttribute("data-level");
    var query = target.getAttribute("data-query");
    var ward = target.getAttribute("data-ward");
    var chosen = target.getAttribute("data-lsoa");
    var areas = window.L.geoJSON(features, {
      style: function (feature) {
        var on = feature.properties.code === chosen;
        return { fillColor: feature.properties.colour, fillOpacity: 0.8,
                 color: on ? "#0b0c0c" : "#505a5f", weight: on ? 4 : 1 };
      },
      onEachFeature: function (feature, layer) {
        var value = feature.properties.value;
        layer.bindTooltip(feature.properties.name + ": " +
          (value === null ? "no figure" : value.toFixed(1)));
        layer.on("click", function () {
          var code = feature.properties.code;
          window.location.search = level === "ward" ? query + "&ward=" + code
            : query + "&ward=" + ward + "&lsoa=" + code;
        });
      }
    }).addTo(map);
    map.fitBounds(areas.getBounds());
    var bounds = areas.getBounds();
    var hubsBlock = document.getElementById("jup-map-hubs");
    var hubs = (hubsBlock && JSON.parse(hubsBlock.textContent)) || [];
    var schoolLayer = window.L.layerGroup().addTo(map);
    var hubLayer = window.L.layerGroup().addTo(map);
    points.forEach(function (school) {
      if (bounds.contains([school.lat, school.lon])) {
        window.L.circleMarker([school.lat, school.lon],
          { radius: 6, color: "#0b0c0c", weight: 2, fillColor: "#ffdd00", fillOpacity: 1 })
          .bindPopup(popup(school)).addTo(schoolLayer);
      }
    });
    hubs.forEach(function (hub) {
      if (bounds.contains([hub.lat, hub.lon])) {
        window.L.marker([hub.lat, hub.lon], { icon: hubIcon(), title: hub.name,
                                               alt: "Family hub: " + hub.name })
          .bindPopup(hubPopup(hub)).addTo(hubLayer);
      }
    });
    window.L.control.layers(null, { "Schools": schoolLayer, "Family hubs": hubLayer },
                            { collapsed: false }).addTo(map);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
