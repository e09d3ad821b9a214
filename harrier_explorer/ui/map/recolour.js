(colourBy) => {
  // Recolour model A's Cluster map at once, in the browser: every point carries its cluster, file, label and
  // language in its customdata, so the points are regrouped here, one trace per group as plots.py draws them
  // (natural order, noise last and grey, the same palette). The server's redraw follows for the HTML export and
  // model B's map, and draws the same picture. A colouring by a number per point (neighbour overlap) waits for it.
  const FIELDS = __FIELDS__;  // the hover fields' places in a point's customdata (plots.py)
  const PALETTE = __PALETTE__;
  const NOISE = __NOISE__;
  const plot = document.querySelector("#map-plot .js-plotly-plot");
  const field = FIELDS[colourBy];
  if (field === undefined || !plot || !plot.data) return;
  const isPoints = __IS_POINTS__;  // plots.py
  const pointTraces = plot.data.filter(isPoints);
  if (!pointTraces.length) return;
  // Each group lists its points in plots.motion_order: by Knuth's hash of the point's number (customdata[0]).
  const rank = (row) => Math.imul(Number(row[0]), __MOTION_HASH__) >>> 0;
  const members = new Map();
  for (const trace of pointTraces) {
    trace.customdata.forEach((row, i) => {
      const name = String(row[field]);
      if (!members.has(name)) members.set(name, []);
      members.get(name).push([rank(row), trace, i]);
    });
  }
  const groups = new Map([...members].map(([name, items]) => {
    items.sort((a, b) => a[0] - b[0]);
    const take = (key) => items.map(([, trace, i]) => (trace[key] ? trace[key][i] : undefined));
    return [name, { x: take("x"), y: take("y"), z: take("z"), customdata: take("customdata") }];
  }));
  const natural = (name) => {
    const cut = name.lastIndexOf(" ");
    const tail = name.slice(cut + 1);
    return /^\d+$/.test(tail) ? [name.slice(0, Math.max(cut, 0)), Number(tail), ""] : [name, -1, name];
  };
  const order = (a, b) => {
    if ((a === "noise") !== (b === "noise")) return a === "noise" ? 1 : -1;
    const [ka, kb] = [natural(a), natural(b)];
    for (let i = 0; i < 3; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
    return 0;
  };
  const template = pointTraces[0];
  const three = template.type === "scatter3d";
  const hover = template.hovertemplate.replace(/<br>[^<]*: %\{marker\.color:\.2f\}/, "");
  const traces = [...groups.keys()].sort(order).map((name, n) => ({
    type: template.type, mode: "markers", name: `${name} (${groups.get(name).x.length})`,
    x: groups.get(name).x, y: groups.get(name).y, ...(three ? { z: groups.get(name).z } : {}),
    customdata: groups.get(name).customdata, hovertemplate: hover,
    marker: { size: template.marker.size, color: name === "noise" ? NOISE : PALETTE[n % PALETTE.length], opacity: 0.8 },
  }));
  const rest = plot.data.filter((t) => !isPoints(t));
  const layout = { ...plot.layout, legend: { ...(plot.layout.legend || {}), title: { text: colourBy } } };
  window.Plotly.react(plot, [...traces, ...rest], layout);
}
