(only) => {
  // Fade, at once in the browser, the points of both maps that the "only" filters leave out ("language: de"; values
  // of one field are alternatives, different fields must all hold, as fields.py reads them). The server's redraws
  // take the same filters, so a recoloured or re-ringed map stays filtered; Select lists the points.
  const FIELDS = __FIELDS__;  // the hover fields' places in a point's customdata (plots.py)
  const SEPARATOR = __SEPARATOR__;
  // The figure's fields are HTML-escaped (plots.py); the filter values are not.
  const escape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
  const wanted = new Map();
  for (const item of only || []) {
    const cut = item.indexOf(SEPARATOR);
    const field = cut < 0 ? undefined : FIELDS[item.slice(0, cut)];
    if (field === undefined) continue;
    if (!wanted.has(field)) wanted.set(field, new Set());
    wanted.get(field).add(escape(item.slice(cut + SEPARATOR.length)));
  }
  const keeps = (row) => [...wanted].every(([field, values]) => values.has(String(row[field])));
  const isPoints = (t) => Array.isArray(t.customdata) && Array.isArray(t.customdata[0]) && t.customdata[0].length === 6;
  for (const id of ["map-plot", "map-plot-b"]) {
    const plot = document.querySelector(`#${id} .js-plotly-plot`);
    if (!plot || !plot.data) continue;
    const traces = plot.data.flatMap((t, i) => (isPoints(t) ? [i] : []));
    if (!traces.length) continue;
    const kept = traces.map((i) => (wanted.size
      ? plot.data[i].customdata.flatMap((row, j) => (keeps(row) ? [j] : [])) : null));
    window.Plotly.restyle(plot, { selectedpoints: kept, "unselected.marker.opacity": 0.12 }, traces);
  }
}
