(selector) => {
  // How plotly's 2-D WebGL draws a big Cluster map, made fast enough to move in a browser without a GPU (Chromium
  // then draws WebGL in software, SwiftShader, where a frame costs about the pixels its points fill; measured in
  // benchmarks.map_scale). Runs before plotly makes a context: on the page, and in the head of the map's export.
  //
  // 1. No multisampling. Plotly asks for multisampled (MSAA) contexts on its 2-D WebGL canvases (class gl-canvas),
  //    and has no option against it. Its point sprites smooth their own edges in their shader, so the samples change
  //    no pixel a viewer sees, while software WebGL spends about half of each frame on them.
  const getContext = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (kind, attributes) {
    const plotly2d = /webgl/.test(kind) && this.classList.contains("gl-canvas");
    return getContext.call(this, kind, plotly2d ? { ...attributes, antialias: false } : attributes);
  };
  // 2. One canvas pixel per screen pixel. Plotly sizes its WebGL canvases at plotGlPixelRatio (default 2) pixels per
  //    CSS pixel whatever the screen, so a screen of one pixel per CSS pixel got four times the pixels to fill,
  //    which software WebGL pays at every frame (a 100,000-point map pinched at 22 frames/s, 55 with this). The
  //    default becomes the screen's ratio (plots without a ratio of their own), set before plotly draws a plot:
  //    plotly.js sets window.Plotly once loaded (the page loads it lazily), and again when the ratio changes (the
  //    browser's zoom, another screen) for the plots drawn after.
  const ratio = () => Math.min(4, Math.max(1, window.devicePixelRatio || 1));
  const sharpen = (plotly) => {
    if (plotly && plotly.setPlotConfig) plotly.setPlotConfig({ plotGlPixelRatio: ratio() });
  };
  const follows = () => matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`)
    .addEventListener("change", () => { sharpen(window.Plotly); follows(); }, { once: true });
  follows();
  if (window.Plotly) sharpen(window.Plotly);
  else {
    let plotly;
    Object.defineProperty(window, "Plotly", {
      configurable: true, enumerable: true, get: () => plotly, set: (value) => { plotly = value; sharpen(value); },
    });
  }
  // 3. Where WebGL is drawn in software (no GPU), a map of more than MOTION_POINTS points draws about MOTION_POINTS
  //    of them while it moves (a drag, the wheel, a pinch: plotly_relayouting), and every point once it has rested
  //    for REST_MS (after a drag, once the button is up): the same share of every trace of documents, its first
  //    points. Each trace lists its points in a hashed order (plots.motion_order), so that first part is an even
  //    sample of it: the map keeps its shape and colours while it moves. A GPU draws every point. Plotly draws them
  //    with regl-scatter2d, one group per WebGL trace, in two ways:
  //    - a trace with nothing faded: its group's first `count` points. The counts are cut while the map moves;
  //      plotly's own updates (the relayouts it makes while the wheel turns) set them back, so update cuts again.
  //    - a trace with faded points (a filter, Find, a selection): by their numbers, the faded ones from the points'
  //      regl-scatter2d and the bright ones from another (select2d). Those lists are cut the same way (the numbers
  //      are in the trace's order).
  //    Only the documents' traces are cut: the marks over them (queries' stars, rings) are drawn whole.
  const MOTION_POINTS = __MOTION_POINTS__, REST_MS = 200;
  const isPoints = __IS_POINTS__;  // plots.py
  const SOFTWARE = /swiftshader|llvmpipe|softpipe|software/i;
  const software = (points) => {
    if (points.hxSoftware === undefined) {
      const info = points.gl.getExtension("WEBGL_debug_renderer_info");
      points.hxSoftware = SOFTWARE.test(info ? points.gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : "");
    }
    return points.hxSoftware;
  };
  let held = false;  // a button is down: a drag goes on, however long the mouse stays still
  const waiting = new Set();  // the maps that would have rested while it was down
  window.addEventListener("pointerdown", () => { held = true; }, true);
  window.addEventListener("pointerup", () => {
    held = false;
    for (const later of waiting) later();
    waiting.clear();
  }, true);
  const counts = (points) => points.groups.map((g) => g && g.count);
  const setCounts = (points, values) => points.groups.forEach((g, i) => { if (g) g.count = values[i]; });
  const follow = (plot) => {
    let timer = null;
    let share = 0;  // the part of each trace drawn while the map moves; 0 at rest (all of it)
    const scene = () => plot._fullLayout && plot._fullLayout._plots && plot._fullLayout._plots.xy
      && plot._fullLayout._plots.xy._scene;
    const documents = (points) => {  // per group: does it draw documents? (plotly's calcdata: t.index, its group)
      const flags = points.groups.map(() => false);
      for (const [head] of plot.calcdata || []) {
        const t = head && head.t;
        if (t && t._scene && t._scene.scatter2d === points && isPoints(head.trace)) flags[t.index] = true;
      }
      return flags;
    };
    const cut = (points) => {
      if (!share || points.hxWhole) return;
      const cuts = documents(points);
      points.hxWhole = counts(points);
      setCounts(points, points.hxWhole.map((n, i) => (n && cuts[i] ? Math.ceil(n * share) : n)));
    };
    const uncut = (points) => {
      if (points.hxWhole) setCounts(points, points.hxWhole);
      points.hxWhole = null;
    };
    const first = (numbers) => (numbers && numbers.slice(0, Math.ceil(numbers.length * share)));
    const wrap = (points, counted) => {
      if (!points || points.hxWrapped) return;
      points.hxWrapped = true;
      const { update, draw } = points;
      points.update = function (...args) {
        uncut(this);
        const out = update.apply(this, args);
        if (counted) cut(this);
        return out;
      };
      points.draw = function (...args) {
        // By numbers: [numbers of trace 0, of trace 1, …] (null: all of that trace).
        const lists = args.length === 1 && Array.isArray(args[0]) ? args[0] : null;
        if (!share || !lists || !lists.every((l) => l === null || Array.isArray(l))) return draw.apply(this, args);
        return draw.call(this, lists.map(first));
      };
    };
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(rest, REST_MS);
    };
    const rest = () => {
      if (held) { waiting.add(later); return; }
      const points = scene() && scene().scatter2d;
      share = 0;
      plot.hxMoving = false;
      if (points && points.hxWhole) { uncut(points); scene().draw(); }
    };
    plot.on("plotly_relayouting", () => {
      const points = scene() && scene().scatter2d;
      if (!points) return;  // SVG or 3-D
      wrap(points, true);
      wrap(scene().select2d, false);
      if (!share && software(points)) {
        const cuts = documents(points);
        const total = counts(points).reduce((n, c, i) => n + (cuts[i] && c ? c : 0), 0);
        share = total > MOTION_POINTS ? MOTION_POINTS / total : 0;
      }
      plot.hxMoving = true;
      cut(points);
      later();
    });
  };
  const attach = () => {
    for (const plot of document.querySelectorAll(selector)) {
      if (plot.dataset.hxMotion || !plot.on) continue;
      plot.dataset.hxMotion = "1";
      follow(plot);
    }
  };
  new MutationObserver(attach).observe(document.documentElement, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["class"],
  });
}
