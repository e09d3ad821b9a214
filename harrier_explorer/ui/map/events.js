() => {
  // Plotly's events on the Cluster map (model A's or model B's).
  // Clicking a document point lists its nearest neighbours and rings the point in both maps. gr.Plot has no click
  // event, so plotly's own plotly_click writes the point number (customdata[0]) into the point box and presses
  // "Nearest neighbours". Both happen in the same task: the box's input event updates its value synchronously, so the
  // button reads the new number and nothing waits on a timer. Query stars carry no customdata and are ignored. A box
  // or lasso selection (plotly_selected) in either map sends its point numbers the same way to a hidden box and
  // button: the selected texts are listed, and with model B both maps come back with those points selected; a double
  // click (plotly_deselect) clears it.
  // The view a user zooms, pans or turns to outlives the server's redraws of the same points (a click, a recolouring,
  // a filter): gr.Plot draws every new figure in a new div, so each map's last view is kept here with the figure's
  // uirevision (its points' digest, plots.py) and put back on a new div that draws the same points. Another map, or a
  // double click that shows the whole map, forgets it.
  // Over a map the plain mouse wheel scrolls the page on (the map is a part of a long page); ctrl or ⌘ with the
  // wheel, or a trackpad's pinch (which browsers send as a wheel with ctrl), zooms the map (plotly's scroll zoom).
  // Plotly marks its div with the class js-plotly-plot once it takes listeners; an observer attaches the handlers
  // to each such div (every redraw makes a new one).
  const send = (boxId, buttonId, value) => {
    const box = document.querySelector(`#${boxId} textarea, #${boxId} input`);
    box.value = value;
    box.dispatchEvent(new Event("input", { bubbles: true }));
    document.querySelector(`#${buttonId}`).click();
  };
  const selectedNumbers = (event) => {
    const numbers = (event && event.points ? event.points : []).filter((p) => p.customdata)
      .map((p) => String(p.customdata[0]));
    return [...new Set(numbers)].join(",");
  };
  const views = {};  // per map (its element id): {revision, update}: the relayout that puts its last view back
  const VIEW_KEY = /^(xaxis|yaxis)\.(range|autorange)|^scene\.camera/;
  const revision = (plot) => ((plot.layout || {}).xaxis || (plot.layout || {}).scene || {}).uirevision;
  const keepView = (plot, id) => {
    const kept = views[id];
    if (kept && kept.revision === revision(plot)) window.Plotly.relayout(plot, kept.update);
    plot.on("plotly_relayout", (event) => {
      if (!Object.keys(event || {}).some((key) => VIEW_KEY.test(key))) return;  // not the view (a resize, say)
      const { xaxis, yaxis, scene } = plot.layout;
      if (scene) views[id] = { revision: revision(plot), update: { "scene.camera": scene.camera } };
      else if (xaxis.autorange) delete views[id];  // the whole map again
      else views[id] = { revision: revision(plot), update: { "xaxis.range": [...xaxis.range],
                                                              "yaxis.range": [...yaxis.range] } };
    });
  };
  const attach = () => {
    for (const plot of document.querySelectorAll(
      "#map-plot .js-plotly-plot:not([data-hx-click]), #map-plot-b .js-plotly-plot:not([data-hx-click])")) {
      plot.dataset.hxClick = "1";
      keepView(plot, plot.closest("#map-plot, #map-plot-b").id);
      plot.addEventListener("wheel", (event) => {
        if (!event.ctrlKey && !event.metaKey) event.stopPropagation();  // before plotly's own listener sees it
      }, { capture: true });
      plot.on("plotly_click", (event) => {
        const point = event.points && event.points[0];
        if (!point || !point.customdata) return;
        send("map-pick", "map-neighbours", String(point.customdata[0]));
      });
      plot.on("plotly_selected", (event) => {
        if (event) send("map-selection", "map-select", selectedNumbers(event));
      });
      plot.on("plotly_deselect", () => {
        send("map-selection", "map-select", "");
      });
    }
  };
  new MutationObserver(attach).observe(document.body, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["class"],
  });
  attach();
}
