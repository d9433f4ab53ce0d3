// Mounts every .nn-widget of a page and tears the previous page's down (see ../widgets.js).
// Each widget is a function (element, {signal, schedule}) that wires its controls (listeners
// removed by signal) and returns draw(colours). Drawing waits for the next animation frame,
// once however many inputs came before it, and is timed as a "nn-widget-draw" measure.
import { explorer } from "./explorer.js";
import { neuron } from "./neuron.js";
import { themeColours } from "./plot.js";
import { training } from "./training.js";

const KINDS = { neuron, explorer, training };
const live = new Set();
let palette = null;

export function mount(root) {
  unmount();
  for (const el of root.querySelectorAll(".nn-widget")) {
    const kind = KINDS[el.dataset.widget];
    if (kind) live.add(start(el, kind));
  }
  if (live.size) {
    // Material switches palettes by this attribute on <body>: redraw in the new colours.
    palette = new MutationObserver(() => live.forEach((w) => w.schedule()));
    palette.observe(document.body, { attributeFilter: ["data-md-color-scheme"] });
  }
}

export function unmount() {
  live.forEach((w) => w.controller.abort());
  live.clear();
  palette?.disconnect();
  palette = null;
}

// How many widgets are mounted (the tests check that none outlives its page).
export const mounted = () => live.size;

function start(el, kind) {
  const controller = new AbortController();
  const { signal } = controller;
  let pending = false, draw = null;
  const schedule = () => {
    if (pending || signal.aborted) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      if (signal.aborted) return;
      const begin = performance.now();
      draw(themeColours(el));
      performance.measure("nn-widget-draw", { start: begin, detail: el.dataset.widget });
    });
  };
  draw = kind(el, { signal, schedule });
  el.addEventListener("input", schedule, { signal });
  const resize = new ResizeObserver(schedule);
  el.querySelectorAll("canvas").forEach((c) => resize.observe(c));
  signal.addEventListener("abort", () => resize.disconnect());
  schedule();
  return { controller, schedule };
}
