// Drawing on the widgets' canvases, in the colours of the theme's current palette.

// The palette's colours, read from Material's CSS variables on element el.
export function themeColours(el) {
  const style = getComputedStyle(el);
  const value = (name) => style.getPropertyValue(name).trim();
  return {
    fg: value("--md-default-fg-color"),
    light: value("--md-default-fg-color--light"),
    lightest: value("--md-default-fg-color--lightest"),
    bg: value("--md-default-bg-color"),
    accent: value("--md-typeset-a-color"),
    font: style.fontFamily,
  };
}

const probe = document.createElement("canvas").getContext("2d");

// [r, g, b] of a CSS colour: the canvas normalises it to #rrggbb or rgba(r, g, b, a).
export function rgb(colour) {
  probe.fillStyle = "#000";
  probe.fillStyle = colour;
  const s = probe.fillStyle;
  if (s[0] === "#") return [1, 3, 5].map((i) => parseInt(s.slice(i, i + 2), 16));
  return s.match(/[\d.]+/g).slice(0, 3).map(Number);
}

// The colour t of the way from a to b (both [r, g, b]), 0 <= t <= 1.
export const mix = (a, b, t) => a.map((v, i) => Math.round(v + (b[i] - v) * t));

// Numbers as the widgets show them: four decimals (tests compare them with nnlib's values).
export const fmt = (v) => v.toFixed(4);

const MARGIN = { left: 36, right: 14, top: 8, bottom: 30 };

// A canvas with data coordinates: x from x0 to x1, y from y0 to y1 (y may be log10).
export class Plot {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
  }

  // Fit the canvas to its CSS box at the screen's pixel ratio; set the data ranges.
  begin(colours, [x0, x1], [y0, y1], log = false) {
    const { canvas, ctx } = this;
    const dpr = window.devicePixelRatio || 1;
    const width = Math.round(canvas.clientWidth * dpr), height = Math.round(canvas.clientHeight * dpr);
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    Object.assign(this, { dpr, x0, x1, y0, y1, log, colours });
    this.box = {
      left: MARGIN.left * dpr, right: width - MARGIN.right * dpr,
      top: MARGIN.top * dpr, bottom: height - MARGIN.bottom * dpr,
    };
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.font = `${12 * dpr}px ${colours.font}`;
    ctx.lineJoin = "round";
  }

  sx(x) {
    const { box, x0, x1 } = this;
    return box.left + ((x - x0) / (x1 - x0)) * (box.right - box.left);
  }

  sy(y) {
    const { box, y0, y1, log } = this;
    const v = log ? Math.log10(y) : y;
    return box.bottom - ((v - y0) / (y1 - y0)) * (box.bottom - box.top);
  }

  // Data coordinates of a pointer event on the canvas.
  at(event) {
    const { box, x0, x1, y0, y1, dpr } = this;
    const r = this.canvas.getBoundingClientRect();
    const px = (event.clientX - r.left) * dpr, py = (event.clientY - r.top) * dpr;
    return [x0 + ((px - box.left) / (box.right - box.left)) * (x1 - x0),
      y1 - ((py - box.top) / (box.bottom - box.top)) * (y1 - y0)];
  }

  // Run draw() clipped to the plot area.
  clipped(draw) {
    const { ctx, box } = this;
    ctx.save();
    ctx.beginPath();
    ctx.rect(box.left, box.top, box.right - box.left, box.bottom - box.top);
    ctx.clip();
    draw();
    ctx.restore();
  }

  // A frame, ticks with labels (values in data units, for log axes powers of ten) and names.
  axes(xticks, yticks, xname, yname) {
    const { ctx, box, dpr, colours, log } = this;
    ctx.strokeStyle = colours.lightest;
    ctx.lineWidth = dpr;
    ctx.strokeRect(box.left, box.top, box.right - box.left, box.bottom - box.top);
    ctx.fillStyle = colours.fg;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const x of xticks) ctx.fillText(String(x), this.sx(x), box.bottom + 3 * dpr);
    ctx.fillText(xname, (box.left + box.right) / 2, box.bottom + 16 * dpr);
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const y of yticks) {
      ctx.fillText(log ? `1e${y}` : String(y), box.left - 3 * dpr, this.sy(log ? 10 ** y : y));
    }
    ctx.save();
    ctx.translate(box.left + 4 * dpr, box.top + 2 * dpr);
    ctx.textAlign = "left";
    ctx.textBaseline = "top";
    ctx.fillText(yname, 0, 0);
    ctx.restore();
  }

  // Horizontal and vertical lines through (0, 0), if in range.
  zeroLines() {
    const { ctx, box, dpr, colours } = this;
    ctx.strokeStyle = colours.lightest;
    ctx.lineWidth = dpr;
    ctx.beginPath();
    ctx.moveTo(this.sx(0), box.top);
    ctx.lineTo(this.sx(0), box.bottom);
    ctx.moveTo(box.left, this.sy(0));
    ctx.lineTo(box.right, this.sy(0));
    ctx.stroke();
  }

  // The polyline through (xs[i], ys[i]), dash in CSS pixels.
  line(xs, ys, colour, { width = 2, dash = [] } = {}) {
    const { ctx, dpr } = this;
    this.clipped(() => {
      ctx.strokeStyle = colour;
      ctx.lineWidth = width * dpr;
      ctx.setLineDash(dash.map((d) => d * dpr));
      ctx.beginPath();
      xs.forEach((x, i) => ctx.lineTo(this.sx(x), this.sy(ys[i])));
      ctx.stroke();
    });
  }

  // A marker at (x, y): "dot", "ring" or "cross", size in CSS pixels.
  mark(x, y, kind, colour, size = 5) {
    const { ctx, dpr, colours } = this;
    const px = this.sx(x), py = this.sy(y), r = size * dpr;
    ctx.setLineDash([]);
    ctx.lineWidth = 1.5 * dpr;
    ctx.strokeStyle = colour;
    ctx.beginPath();
    if (kind === "cross") {
      ctx.moveTo(px - r, py - r);
      ctx.lineTo(px + r, py + r);
      ctx.moveTo(px - r, py + r);
      ctx.lineTo(px + r, py - r);
      ctx.stroke();
      return;
    }
    ctx.arc(px, py, r, 0, 2 * Math.PI);
    ctx.fillStyle = kind === "dot" ? colour : colours.bg;
    ctx.fill();
    ctx.stroke();
  }

  // Fill the data rectangle [x0, x1] × [y0, y1] with an image of pixels [r, g, b] (rows top
  // down), smoothed.
  image(nx, ny, pixel, [x0, x1], [y0, y1]) {
    const small = new OffscreenCanvas(nx, ny);
    const sctx = small.getContext("2d");
    const img = sctx.createImageData(nx, ny);
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const [r, g, b] = pixel(i, j), k = 4 * (j * nx + i);
        img.data[k] = r;
        img.data[k + 1] = g;
        img.data[k + 2] = b;
        img.data[k + 3] = 255;
      }
    }
    sctx.putImageData(img, 0, 0);
    this.clipped(() => {
      this.ctx.imageSmoothingEnabled = true;
      this.ctx.drawImage(small, this.sx(x0), this.sy(y1), this.sx(x1) - this.sx(x0),
        this.sy(y0) - this.sy(y1));
    });
  }
}

// n + 1 evenly spaced numbers from a to b.
export const range = (a, b, n) => Array.from({ length: n + 1 }, (_, i) => a + ((b - a) * i) / n);

// Round tick values from lo to hi, about n of them, at a step of 1, 2 or 5 times a power of 10.
export function ticks(lo, hi, n = 5) {
  const unit = 10 ** Math.floor(Math.log10((hi - lo) / n));
  const step = [1, 2, 5, 10].map((k) => k * unit).find((s) => (hi - lo) / s <= n);
  const out = [];
  for (let k = Math.ceil(lo / step); k * step <= hi; k++) out.push(+(k * step).toFixed(10));
  return out;
}

// The smallest and largest finite value of ys.
export function extent(ys) {
  const finite = ys.filter(Number.isFinite);
  return [Math.min(...finite), Math.max(...finite)];
}
