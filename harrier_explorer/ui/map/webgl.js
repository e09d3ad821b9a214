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
  // 2. Where WebGL is drawn in software (no GPU), a map of more than MOTION_POINTS points draws MOTION_POINTS of
  //    them while it moves (a drag, the wheel, a pinch: plotly_relayouting), and every point once it has rested for
  //    REST_MS. Each trace lists its points in a hashed order (plots.motion_order), so the first part of every trace
  //    is an even sample of it: the map keeps its shape and colours while it moves. A GPU draws every point. The
  //    counts live on plotly's regl-scatter2d groups; plotly's own updates (the relayouts it makes while the wheel
  //    turns) set them back, so its update is wrapped to sample again. Faded points (a filter, a selection) are
  //    drawn by plotly in batches of their own, all of them.
  const MOTION_POINTS = __MOTION_POINTS__, REST_MS = 200;
  const SOFTWARE = /swiftshader|llvmpipe|softpipe|software/i;
  const software = (points) => {
    if (points.hxSoftware === undefined) {
      const info = points.gl.getExtension("WEBGL_debug_renderer_info");
      points.hxSoftware = SOFTWARE.test(info ? points.gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : "");
    }
    return points.hxSoftware;
  };
  const thin = (points) => {
    if (!software(points)) return;
    const groups = points.groups.filter((g) => g);
    const total = groups.reduce((n, g) => n + g.count, 0);
    if (total <= MOTION_POINTS) return;
    points.hxFull = points.groups.map((g) => g && g.count);
    for (const g of groups) g.count = Math.ceil(g.count * MOTION_POINTS / total);
  };
  const restore = (points) => {
    if (points.hxFull) points.groups.forEach((g, i) => { if (g) g.count = points.hxFull[i]; });
    points.hxFull = null;
  };
  const follow = (plot) => {
    let timer = null;
    const scene = () => plot._fullLayout && plot._fullLayout._plots && plot._fullLayout._plots.xy
      && plot._fullLayout._plots.xy._scene;
    const rest = () => {
      const points = scene() && scene().scatter2d;
      plot.hxMoving = false;
      if (points && points.hxFull) { restore(points); scene().draw(); }
    };
    plot.on("plotly_relayouting", () => {
      const points = scene() && scene().scatter2d;
      if (!points) return;  // SVG or 3-D
      if (!points.hxWrapped) {
        points.hxWrapped = true;
        const update = points.update;
        points.update = function (...args) {
          const moving = Boolean(this.hxFull);
          restore(this);
          const out = update.apply(this, args);
          if (moving) thin(this);
          return out;
        };
      }
      plot.hxMoving = true;
      if (!points.hxFull) thin(points);
      clearTimeout(timer);
      timer = setTimeout(rest, REST_MS);
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
