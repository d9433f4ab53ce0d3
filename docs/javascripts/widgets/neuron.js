// One neuron with two inputs: z = w1 x1 + w2 x2 + b, a = g(z), on the input plane and on g.
import { activation } from "./activations.js";
import { Plot, extent, fmt, mix, range, rgb, ticks } from "./plot.js";

const SIDE = 3;  // the plane shows -3 <= x1, x2 <= 3
const Z = 8;  // the curve shows -8 <= z <= 8
const CELLS = 48;

export function neuron(el, { signal, schedule }) {
  const $ = (name) => el.querySelector(`[name="${name}"]`);
  const plane = new Plot(el.querySelector('[data-plot="plane"]'));
  const curve = new Plot(el.querySelector('[data-plot="curve"]'));

  // Dragging on the plane moves the input point: it sets the x1 and x2 sliders.
  const drag = (event) => {
    const [x1, x2] = plane.at(event);
    $("x1").value = x1;  // a range input rounds to its step and clamps to its bounds
    $("x2").value = x2;
    schedule();
  };
  const canvas = plane.canvas;
  canvas.addEventListener("pointerdown", (e) => {
    canvas.setPointerCapture(e.pointerId);
    drag(e);
  }, { signal });
  canvas.addEventListener("pointermove", (e) => {
    if (canvas.hasPointerCapture(e.pointerId)) drag(e);
  }, { signal });

  return (colours) => {
    const v = Object.fromEntries(["w1", "w2", "b", "x1", "x2"].map((n) => [n, +$(n).value]));
    for (const n in v) $(`${n}-value`).value = $(n).value;
    const g = activation($("activation").value);
    const z = v.w1 * v.x1 + v.w2 * v.x2 + v.b, a = g.f(z);
    $("z").value = fmt(z);
    $("a").value = fmt(a);

    // The plane, shaded by a from its smallest to its largest value on the plane.
    plane.begin(colours, [-SIDE, SIDE], [-SIDE, SIDE]);
    const h = (2 * SIDE) / CELLS, at = (k) => -SIDE + (k + 0.5) * h;
    const values = [];
    for (let j = 0; j < CELLS; j++) {
      for (let i = 0; i < CELLS; i++) values.push(g.f(v.w1 * at(i) + v.w2 * at(CELLS - 1 - j) + v.b));
    }
    const [lo, hi] = extent(values), bg = rgb(colours.bg), ink = rgb(colours.accent);
    plane.image(CELLS, CELLS, (i, j) => {
      const t = hi > lo ? (values[j * CELLS + i] - lo) / (hi - lo) : 0.5;
      return mix(bg, ink, 0.05 + 0.55 * t);
    }, [-SIDE, SIDE], [-SIDE, SIDE]);
    plane.zeroLines();
    const norm = Math.hypot(v.w1, v.w2);
    if (norm > 0) {  // the line w.x + b = 0, and its positive side
      const ends = Math.abs(v.w2) > Math.abs(v.w1)
        ? [[-SIDE, (v.w1 * SIDE - v.b) / v.w2], [SIDE, (-v.w1 * SIDE - v.b) / v.w2]]
        : [[(v.w2 * SIDE - v.b) / v.w1, -SIDE], [(-v.w2 * SIDE - v.b) / v.w1, SIDE]];
      plane.line(ends.map((p) => p[0]), ends.map((p) => p[1]), colours.fg);
      const foot = -v.b / norm ** 2, lx = foot * v.w1 + v.w1 / norm, ly = foot * v.w2 + v.w2 / norm;
      if (Math.abs(lx) < SIDE - 0.5 && Math.abs(ly) < SIDE - 0.3) {
        plane.ctx.fillStyle = colours.fg;
        plane.ctx.textAlign = "center";
        plane.ctx.fillText("z > 0", plane.sx(lx), plane.sy(ly));
      }
    }
    plane.mark(v.x1, v.x2, "ring", colours.fg, 6);
    plane.mark(v.x1, v.x2, "dot", colours.fg, 2);
    plane.axes(range(-SIDE, SIDE, 6), range(-SIDE, SIDE, 6), "x₁", "x₂");

    // The activation, with the current (z, a); a z beyond the axis is drawn at its end, open.
    const zs = range(-Z, Z, 320), gs = zs.map(g.f);
    const [g0, g1] = extent([...gs, 0]), pad = 0.08 * (g1 - g0 || 1);
    curve.begin(colours, [-Z, Z], [g0 - pad, g1 + pad]);
    curve.zeroLines();
    curve.line(zs, gs, colours.fg);
    const zc = Math.max(-Z, Math.min(Z, z));
    curve.line([zc, zc], [0, g.f(zc)], colours.light, { width: 1, dash: [4, 3] });
    curve.mark(zc, g.f(zc), zc === z ? "dot" : "ring", colours.accent, 5);
    curve.axes(range(-Z, Z, 4), ticks(g0 - pad, g1 + pad), "z", "a = g(z)");
  };
}
