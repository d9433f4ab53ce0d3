// Typesets TeX with MathJax 4 (CHTML output, New Computer Modern font) for the site build.
//
// One process per build, driven by scripts/math_render.py through JSON lines:
//   {"tex": "...", "display": true}  ->  {"html": "<mjx-container ...>", "usage": [...]}
//                                    or  {"error": "MathJax's message"}
//   {"css": [usage, ...]}            ->  {"css": "the stylesheet for all of them"}
// A formula's usage lists the CSS it needs (glyphs, stretchy delimiters, element kinds),
// so the stylesheet can be made from cached formulas without typesetting them again.
// Node cannot measure text: em/ex sizes and the container width are given, line-breaking is
// off, and the fonts come from the site (fontURL, relative to the stylesheet).
import readline from 'node:readline';
import MathJax from '@mathjax/src';

const FONT_URL = process.argv[2] ?? 'woff2';
// The theme's text (Helvetica, Arial: x-height 0.52 em); the math is scaled to match it, as
// MathJax does in a browser (matchFontHeight).
const EM = 16;
const EX = 0.52 * EM;

await MathJax.init({
  loader: {load: ['input/tex', 'output/chtml', 'a11y/assistive-mml']},
  // A bad formula fails the build: no red error box, no undefined macro drawn in red.
  tex: {formatError(jax, error) { throw error; }, packages: {'[-]': ['noundefined']}},
  output: {font: 'mathjax-newcm', linebreaks: {inline: false}, displayOverflow: 'overflow'},
  chtml: {fontURL: FONT_URL, adaptiveCSS: true},
  startup: {typeset: false},
});
const output = MathJax.startup.output;
const adaptor = MathJax.startup.adaptor;
// Every range of the font now, so no formula waits on one and the stylesheet names them all.
await output.font.loadDynamicFiles();
const METRICS = {em: EM, ex: EX, containerWidth: 80 * EM, scale: EX / EM / output.font.params.x_height};
const usages = () => [output.font.charUsage, output.font.delimUsage, output.wrapperUsage];

// The TeX stays on the formula (data-latex on mjx-math); MathJax 4 also writes it on every
// node inside, which only adds weight, so those go.
function strip(node) {
  for (const child of adaptor.childNodes(node)) {
    if (adaptor.kind(child) !== '#text') {
      adaptor.removeAttribute(child, 'data-latex');
      strip(child);
    }
  }
}

async function typeset({tex, display}) {
  usages().forEach((u) => u.clear());
  const node = await MathJax.tex2chtmlPromise(tex, {display, ...METRICS});
  const math = adaptor.firstChild(node);  // mjx-math, hidden from screen readers
  strip(math);
  strip(adaptor.next(math));  // mjx-assistive-mml: the MathML that screen readers read
  if (display) {
    // A display formula wider than a phone scrolls sideways: the keyboard must reach it (as
    // with MathJax in the browser, whose formulas were all focusable).
    adaptor.setAttribute(node, 'tabindex', '0');
  }
  const usage = usages().map((u) => [...u.used].sort());
  return {html: adaptor.outerHTML(node), usage};
}

function stylesheet(all) {
  output.clearCache();
  for (const usage of all) {
    usages().forEach((u, i) => usage[i].forEach((item) => u.add(JSON.parse(item))));
  }
  return {css: adaptor.cssText(MathJax.chtmlStylesheet())};
}

const lines = readline.createInterface({input: process.stdin, crlfDelay: Infinity});
for await (const line of lines) {
  const request = JSON.parse(line);
  let reply;
  try {
    reply = request.css ? stylesheet(request.css) : await typeset(request);
  } catch (error) {
    reply = {error: String(error.message ?? error)};
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
}
