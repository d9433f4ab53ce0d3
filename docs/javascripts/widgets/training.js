// Training step by step: the frames nnlib computed at build time (the decision boundary and
// the loss after a given epoch), for each learning rate and hidden activation. Nothing is
// recomputed here; the data comes from scripts/figures/training.py.
import { Plot, extent, fmt, mix, range, rgb } from "./plot.js";

export function training(el, { signal, schedule }) {
  const $ = (name) => el.querySelector(`[name="${name}"]`);
  const boundary = new Plot(el.querySelector('[data-plot="boundary"]'));
  const loss = new Plot(el.querySelector('[data-plot="loss"]'));
  let data = null;
  fetch(el.dataset.src, { signal })
    .then((r) => r.json())
    .then((d) => { data = d; schedule(); })
    .catch((e) => { if (!signal.aborted) throw e; });

  return (colours) => {
    if (data === null) return;
    const run = data.runs.find((r) => r.rate === +$("rate").value && r.hidden === $("hidden").value);
    const frame = run.frames[+$("frame").value], last = run.loss.length - 1;
    const J = run.loss[frame.epoch];
    $("frame-value").value = String(frame.epoch);
    $("frame").setAttribute("aria-valuetext", `epoch ${frame.epoch}`);
    $("epoch").value = `${frame.epoch} of ${last}`;
    $("loss").value = fmt(J);
    $("accuracy").value = `${(100 * frame.accuracy).toFixed(1)} %`;

    // The output a in bands: coloured where the network says class 1, grey where class 0.
    const { grid, levels, points } = data;
    const [ax, bx, nx] = grid.x1, [ay, by, ny] = grid.x2;
    const hx = (bx - ax) / (nx - 1), hy = (by - ay) / (ny - 1);
    const xr = [ax - hx / 2, bx + hx / 2], yr = [ay - hy / 2, by + hy / 2];
    const band = (i, j) => +frame.bands[j * nx + i];  // row j has x2 = ay + j hy
    const half = levels / 2, bg = rgb(colours.bg), one = rgb(colours.accent), zero = rgb(colours.light);
    boundary.begin(colours, xr, yr);
    boundary.image(nx, ny, (i, j) => {
      const k = band(i, ny - 1 - j);
      return k >= half ? mix(bg, one, 0.1 + (0.45 * (k - half)) / (half - 1))
        : mix(bg, zero, 0.05 + (0.3 * (half - 1 - k)) / (half - 1));
    }, xr, yr);
    // The decision boundary a = 0.5, by marching squares over the grid, each crossing placed
    // between two neighbouring points by linear interpolation of their bands' middle values.
    const value = (i, j) => (band(i, j) + 0.5) / levels;
    const segments = [];
    for (let j = 0; j + 1 < ny; j++) {
      for (let i = 0; i + 1 < nx; i++) {
        const corners = [[i, j], [i + 1, j], [i + 1, j + 1], [i, j + 1]];
        const inside = corners.map(([a, b]) => band(a, b) >= half);
        const cross = (k) => {  // where edge k (corner k to corner k + 1) crosses 0.5
          const [a0, b0] = corners[k], [a1, b1] = corners[(k + 1) % 4];
          const v0 = value(a0, b0), t = (0.5 - v0) / (value(a1, b1) - v0);
          return [ax + (a0 + t * (a1 - a0)) * hx, ay + (b0 + t * (b1 - b0)) * hy];
        };
        const edges = [0, 1, 2, 3].filter((k) => inside[k] !== inside[(k + 1) % 4]);
        // Two crossings: one segment; four (a saddle): pair each with its neighbour.
        for (let e = 0; e < edges.length; e += 2) segments.push([...cross(edges[e]), ...cross(edges[e + 1])]);
      }
    }
    const ctx = boundary.ctx;
    boundary.clipped(() => {
      ctx.strokeStyle = colours.fg;
      ctx.lineWidth = 2.5 * boundary.dpr;
      ctx.beginPath();
      for (const [x0, y0, x1, y1] of segments) {
        ctx.moveTo(boundary.sx(x0), boundary.sy(y0));
        ctx.lineTo(boundary.sx(x1), boundary.sy(y1));
      }
      ctx.stroke();
    });
    points.x1.forEach((x, i) => {
      boundary.mark(x, points.x2[i], points.y[i] === "1" ? "cross" : "ring", colours.fg, 3);
    });
    boundary.axes(range(-1, 2, 3), range(-1, 1, 2), "x₁", "x₂");

    // The loss curve on a log scale, the chosen epoch marked.
    const epochs = run.loss.map((_, i) => i);
    const [lo, hi] = extent(run.loss.map(Math.log10));
    const y0 = Math.floor(lo * 4) / 4 - 0.05, y1 = Math.ceil(hi * 4) / 4 + 0.05;
    loss.begin(colours, [0, last], [y0, y1], true);
    loss.line(epochs, run.loss, colours.fg, { width: 1.5 });
    loss.line([frame.epoch, frame.epoch], [10 ** y0, 10 ** y1], colours.light,
      { width: 1, dash: [4, 3] });
    loss.mark(frame.epoch, J, "dot", colours.accent, 5);
    const decades = [];
    for (let d = Math.ceil(y0); d <= y1; d++) decades.push(d);
    loss.axes(range(0, last, 5).map(Math.round), decades, "epoch", "J (log scale)");
  };
}
