(selector) => {
  // A 2-D map writes the labels of its query stars as annotations (drawn over WebGL, plots.py), each named after
  // its stars' trace. The legend hides and shows traces (a restyle); their labels follow here. Runs on the page and
  // in the map's HTML export.
  const follow = (plot) => {
    const shown = new Map((plot.data || []).map((t) => [t.name, t.visible === undefined || t.visible === true]));
    const update = {};
    ((plot.layout || {}).annotations || []).forEach((note, i) => {
      if (!shown.has(note.name) || (note.visible !== false) === shown.get(note.name)) return;
      update[`annotations[${i}].visible`] = shown.get(note.name);
    });
    if (Object.keys(update).length) window.Plotly.relayout(plot, update);
  };
  const attach = () => {
    for (const plot of document.querySelectorAll(selector)) {
      if (plot.dataset.hxLabels || !plot.on) continue;
      plot.dataset.hxLabels = "1";
      plot.on("plotly_restyle", () => follow(plot));
    }
  };
  new MutationObserver(attach).observe(document.documentElement, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["class"],
  });
}
