"""Helpers for the browser tests: a page's math, figures and palette, its requests, axe-core.

Run in headless Chromium through Playwright (see the ``browser`` fixture in
tests/conftest.py); the site's own helpers (serving, pages, budgets) are in
``scripts/site_check.py``.
"""

import re

# The fonts the page asked for (the math's among them) have loaded, or failed.
FONTS_SETTLED = "() => document.fonts.ready.then(() => true)"

# What a reader would see of the math in .md-content (notebook cells included).
MATH_STATE = r"""() => {
  const content = document.querySelector('.md-content');
  const arithmatex = [...content.querySelectorAll('.arithmatex')];
  const blocks = [...content.querySelectorAll('div.arithmatex')];
  // TeX still in the text once typeset math, code and scripts are set aside (and
  // mkdocs-jupyter's copy-button buffers, never displayed, that hold a cell's source).
  const text = content.cloneNode(true);
  text.querySelectorAll('mjx-container, pre, code, script, style, textarea, .clipboard-copy-txt')
    .forEach(e => e.remove());
  const raw = text.textContent.match(
    /\\\(|\\\)|\\\[|\\\]|\$\$|\\begin\{|\$[^$\n]*[\\^_][^$\n]*\$/g) || [];
  const fonts = [...document.fonts].filter(f => f.family.startsWith('MJX-'));
  const glyphs = [...content.querySelectorAll('mjx-c')];
  // CHTML writes each glyph as text (a few as a ::before content): neither is a blank glyph.
  const invisible = /^mjx-c(2061|2062|2063|2064|200B)$/;  // function application etc.
  const blank = glyphs.filter(c => !invisible.test(c.classList[0]) && !c.textContent)
    .filter(c => ['none', 'normal', '""'].includes(getComputedStyle(c, '::before').content));
  // Every MathJax font a shown glyph may be drawn in (its font-family list) must have loaded.
  const loaded = new Set(fonts.filter(f => f.status === 'loaded').map(f => f.family));
  const needed = new Set(glyphs.filter(c => c.checkVisibility())
    .flatMap(c => getComputedStyle(c).fontFamily.split(',').map(f => f.trim().replace(/"/g, '')))
    .filter(f => f.startsWith('MJX-')));
  return {
    containers: content.querySelectorAll('mjx-container').length,
    untypeset: arithmatex.filter(m => !m.querySelector('mjx-container'))
      .map(m => m.textContent.trim().slice(0, 60)),
    displayNotTypeset: blocks.filter(m => !m.querySelector('mjx-container[display="true"]'))
      .map(m => m.textContent.trim().slice(0, 60)),
    errors: [...content.querySelectorAll('mjx-merror')]
      .map(e => e.getAttribute('data-mjx-error')),
    // An undefined macro fails the build; MathJax's noundefined would draw it in red.
    undefinedMacros: [...content.querySelectorAll('mjx-assistive-mml mtext[mathcolor="red"]')]
      .map(e => e.textContent).filter(t => t.startsWith('\\')),
    raw: raw.slice(0, 5),
    fontsLoaded: loaded.size,
    fontsFailed: [...new Set(fonts.filter(f => f.status === 'error').map(f => f.family))],
    fontsNotLoaded: [...needed].filter(f => !loaded.has(f)),
    blankGlyphs: [...new Set(blank.map(c => c.classList[0]))].slice(0, 5),
    // The reader can get the TeX of every formula: MathJax keeps it on mjx-math.
    withoutTex: [...content.querySelectorAll('mjx-container')]
      .filter(c => !c.querySelector(':scope > mjx-math[data-latex]')?.dataset.latex).length,
    // Screen readers read the MathML MathJax keeps beside each formula.
    withoutMathml: [...content.querySelectorAll('mjx-container')]
      .filter(c => !c.querySelector(':scope > mjx-assistive-mml > math')).length,
    mathScript: typeof window.MathJax !== 'undefined' || typeof window.katex !== 'undefined',
  };
}"""

# Lazy images first load (a reader scrolling would load them), then each must have loaded.
BROKEN_IMAGES = """async () => {
  const images = [...document.images];
  images.forEach(img => { img.loading = 'eager'; });
  await Promise.all(images.map(img => img.decode().catch(() => null)));
  return images.filter(img => !(img.complete && img.naturalWidth > 0))
    .map(img => img.getAttribute('src'));
}"""

# The size the page laid each image out at before it loaded (its width and height attributes)
# against the size of the image the browser then loaded (whole pixels), and the box it is laid
# out in once loaded (its own aspect ratio, to the fraction of a pixel).
IMAGE_SIZES = """() => [...document.images].map(img => ({
  src: img.getAttribute('src'),
  declared: [img.getAttribute('width'), img.getAttribute('height')].map(Number),
  natural: [img.naturalWidth, img.naturalHeight],
  box: [img.getBoundingClientRect().width, img.getBoundingClientRect().height],  // 0: hidden
}))"""

# The #only-light / #only-dark figure variants: which ones Material's CSS shows.
FIGURES = """() => [...document.querySelectorAll('.md-content img')]
  .filter(img => /#only-(light|dark)$/.test(img.getAttribute('src')))
  .map(img => {
    const box = img.getBoundingClientRect();
    return {
      src: img.getAttribute('src'),
      variant: img.getAttribute('src').endsWith('#only-dark') ? 'dark' : 'light',
      displayed: getComputedStyle(img).display !== 'none',
      // In a closed <details> or an inactive tab, a displayed image still has no box.
      boxed: box.width > 0 && box.height > 0 || !img.parentElement.checkVisibility(),
    };
  })"""

SCHEME = "() => document.body.getAttribute('data-md-color-scheme')"

# cyrb53, a string's 53-bit hash: many computed styles compared without moving ~100 MB.
HASH = """const hash = text => {
    let h1 = 0xdeadbeef, h2 = 0x41c6ce57;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return 4294967296 * (2097151 & h2) + (h1 >>> 0);
  };
"""

# Pages compared in both palettes, at a phone's and a desktop's size.
WIDTHS = {"phone": (390, 844), "desktop": (1280, 800)}
SCHEMES = {"default": "light", "slate": "dark"}  # Material's palette, by the reader's preference


def load_settled(page, url, scheme):
    """Load ``url`` in ``page`` until nothing changes late (fonts in, Material's search status
    line filled in when its index is ready); check the palette is ``scheme``; return ``page``."""
    page.goto(url, wait_until="networkidle")
    page.wait_for_function("() => document.fonts.status === 'loaded'")
    page.wait_for_function("() => /^Type/.test(document.querySelector('.md-search-result__meta')"
                           ".textContent)")
    assert page.evaluate(SCHEME) == scheme
    return page


def wait_for_math(page, timeout=30_000):
    """Wait (at most ``timeout`` ms) for the page's fonts, the math's among them, to load."""
    page.wait_for_function(FONTS_SETTLED, timeout=timeout)


def math_problems(state):
    """What is wrong with a page's math, from ``MATH_STATE``: a list of messages."""
    problems = []
    for key in ("untypeset", "displayNotTypeset", "errors", "undefinedMacros", "raw",
                "fontsFailed", "fontsNotLoaded", "blankGlyphs", "withoutTex", "withoutMathml",
                "mathScript"):
        if state[key]:
            problems.append(f"{key}: {state[key]}")
    if state["containers"] and not state["fontsLoaded"]:
        problems.append(f"{state['containers']} typeset formulas but no MathJax font loaded")
    return problems


def listen(page):
    """Record the page's requests, failed loads and console errors."""
    log = {"requests": [], "failed": [], "errors": []}
    page.on("request", lambda r: log["requests"].append(r.url))
    page.on("requestfailed", lambda r: log["failed"].append(f"{r.url}: {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and log["failed"].append(f"{r.url}: {r.status}"))
    page.on("console", lambda m: m.type == "error" and log["errors"].append(m.text))
    page.on("pageerror", lambda e: log["errors"].append(f"uncaught {e}"))
    return log


# The theme's scripts (Material's bundle, the site's) have run: they start after the first
# paint (scripts/script_loader.py), so a page's "load" can come before them.
SCRIPTS_RAN = "() => window.__scripts"


def switch_scheme(page, scheme):
    """Click the palette toggle that switches to ``scheme`` ("slate" or "default"), once the
    palette's script has run.

    A DOM click on the toggle's label: Playwright's click would first wait for the header to
    stop moving, about a second per page for nothing.
    """
    page.evaluate(SCRIPTS_RAN)
    toggle = page.evaluate(
        "s => document.querySelector(`input[data-md-color-scheme='${s}']`).id", scheme
    )
    page.evaluate(f"() => document.querySelector(\"label[for='{toggle}']\").click()")
    page.wait_for_function(f"() => ({SCHEME})() === '{scheme}'")


# --- axe-core ------------------------------------------------------------------------------

SERIOUS = {"serious", "critical"}
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
AXE_LIGHT = {"resultTypes": ["violations"]}  # every rule axe-core runs by default
AXE_DARK = {"resultTypes": ["violations"], "runOnly": COLOUR_RULES}  # what the palette changes

# Nothing is excused: scripts/theme/ names Material's search dialog, the piece of its chrome
# axe used to flag (with the progress bar of instant navigation, which the site no longer uses).


def start_axe(page, options, context=None):
    """Start axe-core on ``page`` (all of it, or ``context``) without waiting for it: see
    ``axe_violations``. The axe-core script is the one axe-playwright-python bundles."""
    from axe_playwright_python.base import AXE_SCRIPT

    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    page.evaluate("""([context, options]) => {
      window.axeRun = axe.run(context || document, options).then(r => r.violations);
    }""", [context, options])


LOOK_SAMPLES = 3
# The palette changes colours only, so the dark pass checks a few elements per look: visible
# text with its colour, size, weight, opacity, link-or-not and the background behind it.
# Elements that look alike have the same contrast, and a page has a few dozen looks but
# thousands of code tokens. It is about three times quicker, and on this site it found every
# kind of violation the full run found, in both palettes; test_browser.py checks that one odd
# element among hundreds of look-alikes is still caught.
MARK_LOOKS = """SAMPLES => {
  const opacity = new Map(), backdrop = new Map(), looks = new Map();
  const alpha = e => e ? (opacity.has(e) ? opacity.get(e) : opacity.set(e,
    +getComputedStyle(e).opacity * alpha(e.parentElement)).get(e)) : 1;
  const behind = e => {
    if (!e) return '';
    if (!backdrop.has(e)) {
      const s = getComputedStyle(e);
      backdrop.set(e, s.backgroundImage !== 'none' || s.backgroundColor !== 'rgba(0, 0, 0, 0)'
        ? s.backgroundColor + s.backgroundImage : behind(e.parentElement));
    }
    return backdrop.get(e);
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text; (text = walker.nextNode());) {
    const e = text.parentElement;
    if (!text.nodeValue.trim() || e.closest('mjx-assistive-mml, script, style')) continue;
    const box = e.getBoundingClientRect();
    if (box.width < 1 || box.height < 1 || !e.checkVisibility({visibilityProperty: true})) continue;
    const s = getComputedStyle(e);
    const look = [s.color, s.fontSize, s.fontWeight, alpha(e), !!e.closest('a'), behind(e)]
      .join('|');
    if (!looks.has(look)) looks.set(look, new Set());
    looks.get(look).add(e);
  }
  // axe leaves undecided a text of one or two characters, or of punctuation only, and one
  // that overflows its scrolling box: the samples are the wordiest texts left whole.
  const clipped = e => {
    for (let a = e.parentElement; a; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {
        const box = a.getBoundingClientRect(), r = e.getBoundingClientRect();
        return r.left < box.left || r.right > box.right || r.top < box.top ||
          r.bottom > box.bottom;
      }
    }
    return false;
  };
  const score = e => (clipped(e) ? 0 : 100) +
    Math.min((e.textContent.match(/[\\p{L}\\p{N}]/gu) || []).length, 12);
  for (const elements of looks.values()) {
    const ranked = [...elements].map(e => [score(e), e]).sort((a, b) => b[0] - a[0]);
    ranked.slice(0, SAMPLES).forEach(([, e]) => e.setAttribute('data-axe-look', ''));
  }
  return looks.size;
}"""


def start_dark_axe(page):
    """Start axe's colour rules on one element of each look the page has (``MARK_LOOKS``)."""
    if page.evaluate(MARK_LOOKS, LOOK_SAMPLES):
        start_axe(page, AXE_DARK, {"include": ["[data-axe-look]"]})
    else:
        page.evaluate("() => { window.axeRun = Promise.resolve([]); }")


def axe_violations(page, path, scheme):
    """The serious and critical violations of the axe run started on ``page``, one dict per
    element, theme chrome aside."""
    found = []
    for violation in page.evaluate("() => window.axeRun"):
        if violation["impact"] not in SERIOUS:
            continue
        for node in violation["nodes"]:
            target = " ".join(map(str, node["target"]))
            checks = node.get("any", []) + node.get("all", []) + node.get("none", [])
            found.append({
                "page": path or "(home)", "scheme": scheme, "rule": violation["id"],
                "impact": violation["impact"], "target": target,
                "message": checks[0]["message"] if checks else violation["help"],
            })
    return found


def summary(violations):
    """One paragraph per kind of violation (rule, palette, message): where, how many, examples."""
    groups = {}
    for v in violations:
        # The same colours at another size or weight are the same problem.
        message = re.sub(r",? ?font (size: [\d.]+pt \([\d.]+px\)|weight: \w+)", "", v["message"])
        groups.setdefault((v["rule"], v["impact"], v["scheme"], message), []).append(v)
    lines = []
    for (rule, impact, scheme, message), vs in sorted(groups.items()):
        pages = sorted({v["page"] for v in vs})
        lines.append(f"{rule} ({impact}), {scheme} palette, {len(vs)} elements on "
                     f"{len(pages)} pages ({', '.join(pages)}): {message}")
        lines += [f"    e.g. {v['page']}: {v['target']}" for v in vs[:3]]
    return "\n".join(lines)
