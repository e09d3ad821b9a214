() => {
  // Clicking a document point on the Cluster map lists its nearest neighbours. gr.Plot has no click event, so
  // plotly's own plotly_click writes the point number (customdata[0]) into a hidden textbox whose input event runs
  // the neighbours action: the value is in place before Gradio sees the event, so nothing waits on a timer. The
  // visible point box shows the number too. Query stars carry no customdata and are ignored. Plotly marks its div
  // with the class js-plotly-plot once it can take listeners; an observer attaches the handler to each such div.
  const attach = () => {
    for (const plot of document.querySelectorAll("#map-plot .js-plotly-plot:not([data-hx-click])")) {
      plot.dataset.hxClick = "1";
      plot.on("plotly_click", (event) => {
        const point = event.points && event.points[0];
        if (!point || !point.customdata) return;
        const number = String(point.customdata[0]);
        for (const field of ["#map-pick", "#map-clicked"]) {
          const box = document.querySelector(`${field} textarea, ${field} input`);
          box.value = number;
          box.dispatchEvent(new Event("input", { bubbles: true }));
        }
      });
    }
  };
  new MutationObserver(attach).observe(document.body, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["class"],
  });
  attach();
}
