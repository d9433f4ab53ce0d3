"""Math typeset when the site is built: HTML + CSS that needs no math JavaScript.

``Typesetter.page`` replaces each formula of a rendered page (Arithmatex's spans and divs; the
``$…$`` that mkdocs-jupyter leaves in notebook Markdown cells) by MathJax 4's CHTML output, with
its assistive MathML for screen readers and its TeX in ``data-latex``. The formulas are typeset
by one Node process per build (``scripts/math/render.mjs``, started at the first formula not in
the cache) and cached by content hash in ``.cache/math/``, each formula and each page whole, so
a warm rebuild starts no Node at all and reads one file per page. ``Typesetter.stylesheet`` is
the CSS of every formula typeset in the build; the fonts it names are ``FONTS``;
``Typesetter.write_fonts`` serves them from the site cut down to the glyphs the build's math
shows (MathJax's main font is 94 KB whole, 18 KB cut). A formula MathJax rejects raises
``MathError`` naming the page and the TeX.
"""

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import brotli
import fontTools

from scripts.node import node

ROOT = Path(__file__).resolve().parent.parent
RENDER = ROOT / "scripts" / "math" / "render.mjs"
LOCK = ROOT / "package-lock.json"
FONTS = ROOT / "node_modules" / "@mathjax" / "mathjax-newcm-font" / "chtml" / "woff2"
CACHE = ROOT / ".cache" / "math"
FONT_URL = "woff2"  # where the stylesheet finds the fonts, relative to itself

# Arithmatex (generic mode): <span class="arithmatex">\(…\)</span>, <div …>\[…\]</div> or a
# bare \begin{env}…\end{env}; the TeX inside is HTML-escaped.
ARITHMATEX = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.S)
DELIMITED = re.compile(r"\\\((.*)\\\)|\\\[(.*)\\\]", re.S)
# Notebook Markdown cells: $$…$$ (display) and $…$ (inline), in text outside code, delimited
# as MathJax (and Jupyter) delimit them: `$g'' $` is math too.
TAG = re.compile(r"(<[^>]*>)")
CODE = {"pre", "code", "script", "style", "textarea"}
DOLLARS = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$([^$]+?)\$", re.S)
# MathJax's stylesheet declares a few faces its font package ships no file for: they go.
FONT_FACE = re.compile(r'@font-face /\* [\w-]+ \*/ \{[^}]*url\("([^"]+)"\)[^}]*\}\s*')
# The font of a glyph: the NCM-… class on it or on its mjx-math (with the zero-width font).
FONT_CLASS = re.compile(r'<mjx-[^>]*\bclass="[^"]*\bNCM-([A-Z0-9-]+)')
# What a formula shows: its text outside the assistive MathML, which the fonts never draw.
NOT_SHOWN = re.compile(r"<mjx-assistive-mml.*?</mjx-assistive-mml>|<[^>]*>", re.S)


class MathError(ValueError):
    """A formula MathJax cannot typeset."""


def fonts_used(page):
    """The font files (relative to the stylesheet) that the typeset math of ``page`` uses."""
    names = sorted(set(FONT_CLASS.findall(page)))
    if not names:
        return []
    return [f"{FONT_URL}/mjx-ncm-{name.lower()}.woff2" for name in ["ZERO", *names]]


def shown_characters(formula):
    """The characters the typeset ``formula`` (HTML) draws with the math fonts."""
    return set(html.unescape(NOT_SHOWN.sub("", formula)))


def subset_font(source, characters, dest):
    """Write the WOFF2 font ``source`` to ``dest`` with only the glyphs of ``characters``.

    MathJax places every glyph itself, so the font's layout features and hinting go too.
    """
    from fontTools import subset  # here: only a build with new glyphs cuts fonts
    from fontTools.ttLib import TTFont

    options = subset.Options(flavor="woff2", layout_features=[], hinting=False)
    options.drop_tables += ["ltag"]  # a language-tag table fontTools cannot subset
    font = TTFont(source, recalcTimestamp=False)  # the build stays byte-for-byte reproducible
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(map(ord, characters)))
    subsetter.subset(font)
    font.save(dest)


def engine_key():
    """What every cached formula depends on: this module, the renderer, the npm packages."""
    digest = hashlib.sha256()
    for path in (Path(__file__), RENDER, LOCK):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class Typesetter:
    """Typesets the formulas of one build; ``close()`` it (or use it as a context manager)."""

    def __init__(self, cache=CACHE):
        self.cache = Path(cache) / engine_key()
        self.cache.mkdir(parents=True, exist_ok=True)
        for old in self.cache.parent.iterdir():
            if old != self.cache:  # typeset by another renderer or other packages
                shutil.rmtree(old) if old.is_dir() else old.unlink()
        self.usage = {}  # formula key -> the CSS it needs, for every formula of this build
        self.characters = set()  # every character the build's math draws
        self.fonts = {}  # page (``where``) -> fonts_used(its typeset HTML)
        self.typeset = 0  # formulas Node typeset in this build (the rest came from the cache)
        self.seconds = 0.0  # time spent typesetting and making the stylesheet
        self._node = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self._node is not None:
            self._node.stdin.close()  # Node's readline ends, and so does Node
            self._node.wait()
            self._node.stdout.close()
            self._node = None

    def _ask(self, request):
        if self._node is None:
            if not (ROOT / "node_modules").is_dir():
                raise MathError("node_modules/ is missing: run `make install` (npm ci)")
            try:
                executable = node()
            except ValueError as error:
                raise MathError(f"cannot typeset math: {error}") from None
            self._node = subprocess.Popen(
                [executable, str(RENDER), FONT_URL], cwd=ROOT, text=True, encoding="utf-8",
                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._node.stdin.write(json.dumps(request) + "\n")
        self._node.stdin.flush()
        line = self._node.stdout.readline()
        if not line:
            raise MathError(f"the math renderer exited with code {self._node.wait()}")
        return json.loads(line)

    def formula(self, tex, display, where):
        """(key, {"html": …, "usage": …}) of ``tex``; ``where`` (the page) goes into the error
        message."""
        key = hashlib.sha256(f"{int(display)}\n{tex}".encode()).hexdigest()
        path = self.cache / f"{key}.json"
        if path.is_file():
            return key, json.loads(path.read_text(encoding="utf-8"))
        result = self._ask({"tex": tex, "display": display})
        if "error" in result:
            kind = "display" if display else "inline"
            raise MathError(f"{where}: MathJax cannot typeset the {kind} formula "
                            f"{tex!r}: {result['error']}")
        self.typeset += 1
        _write(path, json.dumps(result))
        return key, result

    def page(self, text, where, notebook=False):
        """``text`` (a page's HTML) with every formula typeset.

        A page typeset before (the same HTML, by the same engine) comes whole from the cache,
        with its formulas' CSS, characters and fonts: one file read, not one per formula. The
        cache keeps one version of each page.
        """
        start = time.perf_counter()
        name = hashlib.sha256(where.encode()).hexdigest()[:16]
        key = hashlib.sha256(f"{int(notebook)}\n{text}".encode()).hexdigest()
        path = self.cache / f"page-{name}-{key}.json"
        try:
            done = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            done = self._page(text, where, notebook)
            for old in self.cache.glob(f"page-{name}-*.json"):  # an older version of the page
                old.unlink(missing_ok=True)
            _write(path, json.dumps(done))
        self.usage.update(done["usage"])
        self.characters.update(done["characters"])
        self.fonts[where] = done["fonts"]
        self.seconds += time.perf_counter() - start
        return done["html"]

    def _page(self, text, where, notebook):
        usage, characters = {}, set()

        def typeset(tex, display):
            key, result = self.formula(tex, display, where)
            usage[key] = result["usage"]
            characters.update(shown_characters(result["html"]))
            return result["html"]

        def arithmatex(match):
            tag, tex = match.group(1), html.unescape(match.group(2)).strip()
            delimited = DELIMITED.fullmatch(tex)
            display = tag == "div"
            if delimited:
                display = delimited.group(2) is not None
                tex = delimited.group(1) if delimited.group(1) is not None else delimited.group(2)
            return f'<{tag} class="arithmatex">{typeset(tex.strip(), display)}</{tag}>'

        text = ARITHMATEX.sub(arithmatex, text)
        text = _notebook_math(text, typeset) if notebook else text
        return {"html": text, "usage": usage, "characters": "".join(sorted(characters)),
                "fonts": fonts_used(text)}

    def stylesheet(self):
        """The CSS of every formula typeset (or taken from the cache) in this build."""
        start = time.perf_counter()
        usage = [self.usage[key] for key in sorted(self.usage)]
        merged = [sorted({item for u in usage for item in u[i]}) for i in range(3)]
        key = hashlib.sha256(json.dumps(merged).encode()).hexdigest()
        path = self.cache / f"{key}.css"
        if not path.is_file():
            _write(path, FONT_FACE.sub(
                lambda m: m.group(0) if (FONTS.parent / m.group(1)).is_file() else "",
                self._ask({"css": [merged]})["css"]))
        self.seconds += time.perf_counter() - start
        return path.read_text(encoding="utf-8")

    def write_fonts(self, dest):
        """Write every font the stylesheet names into ``dest``, cut to this build's glyphs.

        Cached by the characters, the fonts and the subsetter's versions: a warm rebuild copies.
        """
        start = time.perf_counter()
        characters = "".join(sorted(self.characters))
        key = hashlib.sha256(f"{fontTools.version} {brotli.__version__}\n{characters}".encode())
        cached = self.cache / f"fonts-{key.hexdigest()[:16]}"  # the engine key covers the fonts
        if not cached.is_dir():
            tmp = self.cache / f"tmp-fonts.{os.getpid()}"
            tmp.mkdir()
            for font in sorted(FONTS.glob("*.woff2")):
                subset_font(font, characters, tmp / font.name)
            for old in self.cache.glob("fonts-*"):  # cut for another build's math
                shutil.rmtree(old)
            tmp.replace(cached)
        shutil.copytree(cached, dest, dirs_exist_ok=True)
        self.seconds += time.perf_counter() - start


def _notebook_math(text, typeset):
    """``text`` with the $…$ and $$…$$ outside code typeset by ``typeset(tex, display)``."""
    def dollars(match):
        display = match.group(1) is not None
        tex = html.unescape(match.group(1) if display else match.group(2)).strip()
        return f'<span class="arithmatex">{typeset(tex, display)}</span>'

    parts, code = TAG.split(text), []
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            name = re.match(r"</?([a-zA-Z0-9]+)", part)
            if name and name.group(1).lower() in CODE:
                if part.startswith("</"):
                    code and code.pop()
                elif not part.endswith("/>"):
                    code.append(name.group(1))
        elif not code and "$" in part:
            parts[i] = DOLLARS.sub(dollars, part)
    return "".join(parts)


def _write(path, text):
    """Write ``text`` to ``path`` atomically: a cached file is always whole."""
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
