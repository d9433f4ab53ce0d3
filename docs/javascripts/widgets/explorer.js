// Any elementwise activation with its parameters: g and g' with the value, slope and tangent at z.
import { ACTIVATIONS, activation } from "./activations.js";
import { Plot, extent, fmt, range, ticks } from "./plot.js";

const Z = 6;  // the plot shows -6 <= z <= 6
const Y = [-3.5, 6.5];  // and at most this range of values

export function explorer(el) {
  const $ = (name) => el.querySelector(`[name="${name}"]`);
  const plot = new Plot(el.querySelector('[data-plot="curve"]'));

  return (colours) => {
    const name = $("activation").value, params = {};
    // The parameter controls are named "<activation>-<parameter>": show this activation's.
    for (const control of el.querySelectorAll(".nn-widget__params .nn-widget__control")) {
      control.hidden = !control.querySelector("[name]").name.startsWith(`${name}-`);
    }
    for (const param in ACTIVATIONS[name].params) {
      const input = $(`${name}-${param}`);
      params[param] = input.type === "range" ? +input.value : input.value;
      if (input.type === "range") $(`${name}-${param}-value`).value = input.value;
    }
    const g = activation(name, params), z = +$("z").value;
    $("z-value").value = $("z").value;
    $("g").value = fmt(g.f(z));
    $("dg").value = fmt(g.d(z));

    const zs = range(-Z, Z, 480), gs = zs.map(g.f), ds = zs.map(g.d);
    const [lo, hi] = extent([...gs, ...ds, 0, 1]), pad = 0.08 * (hi - lo);
    const ys = [Math.max(lo - pad, Y[0]), Math.min(hi + pad, Y[1])];
    plot.begin(colours, [-Z, Z], ys);
    plot.zeroLines();
    plot.line(zs, ds, colours.light, { dash: [6, 4] });
    plot.line(zs, gs, colours.fg);
    const gz = g.f(z), dz = g.d(z);
    plot.line([-Z, Z], [gz + dz * (-Z - z), gz + dz * (Z - z)], colours.accent,
      { width: 1.5, dash: [1.5, 3] });
    plot.mark(z, dz, "ring", colours.light, 4);
    plot.mark(z, gz, "dot", colours.accent, 5);
    plot.axes(range(-Z, Z, 6), ticks(...ys), "z", `${name}(z), ${name}′(z)`);
  };
}
