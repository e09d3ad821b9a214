(only, words, match, texts) => {
  // Fade, at once in the browser, the points of both maps that the "only" filters leave out ("language: de"; values
  // of one field are alternatives, different fields must all hold, as fields.py reads them) and, while words are
  // typed in Find (match: words), the points whose text lacks one of them (as map_select.word_mask matches:
  // lowercased substrings; `texts` are the map's texts, lowercased, or null for a map too big to ship them). The
  // server's redraws take the filters too; Select (or Enter) lists the points and gives their CSV.
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
  const needles = match === "words" && Array.isArray(texts)
    ? (words || "").toLowerCase().split(/\s+/).filter((w) => w) : [];
  const keeps = (row) => [...wanted].every(([field, values]) => values.has(String(row[field])))
    && needles.every((w) => (texts[Number(row[0])] || "").includes(w));
  const isPoints = __IS_POINTS__;  // plots.py
  for (const id of ["map-plot", "map-plot-b"]) {
    const plot = document.querySelector(`#${id} .js-plotly-plot`);
    if (!plot || !plot.data) continue;
    const traces = plot.data.flatMap((t, i) => (isPoints(t) ? [i] : []));
    if (!traces.length) continue;
    const kept = traces.map((i) => (wanted.size || needles.length
      ? plot.data[i].customdata.flatMap((row, j) => (keeps(row) ? [j] : [])) : null));
    window.Plotly.restyle(plot, { selectedpoints: kept, "unselected.marker.opacity": 0.12 }, traces);
  }
}
