() => {
  // Clicking a document point on the Cluster map lists its nearest neighbours: gr.Plot has no click event, so
  // plotly's own plotly_click fills the point-number box (customdata[0] is the point number) and presses the
  // "Nearest neighbours" button. Query stars carry no customdata and are ignored. Each redraw makes a new plot
  // element, so every second the handler is attached to any plot that lacks it.
  setInterval(() => {
    const plot = document.querySelector("#map-plot .js-plotly-plot");
    if (!plot || plot.dataset.hxClick) return;
    plot.dataset.hxClick = "1";
    plot.on("plotly_click", (event) => {
      const point = event.points && event.points[0];
      if (!point || !point.customdata) return;
      const box = document.querySelector("#map-pick textarea, #map-pick input");
      box.value = String(point.customdata[0]);
      box.dispatchEvent(new Event("input", { bubbles: true }));
      setTimeout(() => document.querySelector("#map-neighbours").click(), 100);
    });
  }, 1000);
}
