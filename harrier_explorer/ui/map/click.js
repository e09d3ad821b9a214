() => {
  // Clicking a document point on the Cluster map lists its nearest neighbours. gr.Plot has no click event, so
  // plotly's own plotly_click writes the point number (customdata[0]) into the point box and presses "Nearest
  // neighbours". Both happen in the same task: the box's input event updates its value synchronously, so the
  // button reads the new number and nothing waits on a timer. Query stars carry no customdata and are ignored.
  // Plotly marks its div with the class js-plotly-plot once it takes listeners; an observer attaches the handler
  // to each such div (every redraw may make a new one).
  const attach = () => {
    for (const plot of document.querySelectorAll("#map-plot .js-plotly-plot:not([data-hx-click])")) {
      plot.dataset.hxClick = "1";
      plot.on("plotly_click", (event) => {
        const point = event.points && event.points[0];
        if (!point || !point.customdata) return;
        const box = document.querySelector("#map-pick textarea, #map-pick input");
        box.value = String(point.customdata[0]);
        box.dispatchEvent(new Event("input", { bubbles: true }));
        document.querySelector("#map-neighbours").click();
      });
    }
  };
  new MutationObserver(attach).observe(document.body, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["class"],
  });
  attach();
}
