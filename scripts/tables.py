"""Content tables, wrapped when the site is built as Material's JavaScript wraps them on load.

On load, Material moves each ``table:not([class])`` of the page into
``<div class="md-typeset__scrollwrap"><div class="md-typeset__table">``: the browser then
styles and lays out the whole table again, math and all, in one long task. The build writes
that wrap into the HTML instead and gives the table a class, ``nn-table``, so the script
leaves it alone; ``stylesheet`` repeats Material's CSS for ``table:not([class])`` for
``table.nn-table``, from the installed theme's own CSS.
"""

import hashlib
import re
from importlib.metadata import version
from pathlib import Path

import tinycss2
from mkdocs.exceptions import PluginError

from scripts import css_prune

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "tables-css"
SITE_CSS = "assets/stylesheets/tables.css"  # mkdocs.yml's extra_css
CLASS = "nn-table"
MATERIAL = "table:not([class])"
OURS = f"table.{CLASS}"
OPEN = '<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
CLOSE = "</div></div>"
# A table tag, or a stretch whose markup is not the page's (a script, a comment, ...).
TOKEN = re.compile(r"<(?:(?P<skip>!--.*?-->|(script|style|textarea|template)\b.*?</\2\s*>)"
                   r"|(?P<close>/?)table\b(?P<attrs>(?:\"[^\"]*\"|'[^']*'|[^'\">])*)>)", re.I | re.S)
ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?""")


def wrap(html):
    """``html`` with each table that has no class attribute wrapped as Material wraps it,
    and given the class ``nn-table``. Tables with a class (wrapped already or not Material's
    to wrap) stay as they are."""
    wrapped = []  # for each open table, whether it was wrapped

    def token(match):
        if match["skip"]:
            return match[0]
        if match["close"]:
            return match[0] + CLOSE if wrapped and wrapped.pop() else match[0]
        names = {name.lower() for name in ATTRIBUTE.findall(match["attrs"])}
        wrapped.append("class" not in names)
        if "class" in names:
            return match[0]
        return f'{OPEN}<table class="{CLASS}"{match["attrs"]}>'

    return TOKEN.sub(token, html)


def stylesheet(theme_dirs):
    """Material's rules for ``table:not([class])``, for ``table.nn-table`` instead: the text of
    a stylesheet. ``theme_dirs`` are the theme's template folders (``config.theme.dirs``);
    the result is cached in ``.cache/tables-css/`` by what it comes from."""
    found = [p for d in theme_dirs for p in Path(d).glob("assets/stylesheets/main.*.min.css")]
    if len(found) != 1:
        raise PluginError(f"tables: expected Material's one main stylesheet, found {found}")
    css = found[0].read_text(encoding="utf-8")
    key = hashlib.sha256()
    for part in (css, Path(__file__).read_text(encoding="utf-8"), version("tinycss2")):
        key.update(hashlib.sha256(part.encode()).digest())
    cached = CACHE / f"{key.hexdigest()[:24]}.css"
    if cached.is_file():
        return cached.read_text(encoding="utf-8")
    out = mirror(css)
    CACHE.mkdir(parents=True, exist_ok=True)
    for old in CACHE.glob("*.css"):
        old.unlink()
    tmp = cached.with_suffix(".tmp")
    tmp.write_text(out, encoding="utf-8")
    tmp.replace(cached)
    return out


def mirror(css):
    """The rules of ``css`` with a selector that has ``table:not([class])``, those selectors
    only, with ``table.nn-table`` in its place; in their ``@media`` (and the like) blocks."""
    rules = list(_mirrored(tinycss2.parse_stylesheet(css, skip_comments=True,
                                                     skip_whitespace=True)))
    copied = sum(rule.count(OURS) for rule in rules)
    if not copied or copied != css.count(MATERIAL):
        raise PluginError(f"tables: Material's CSS has {css.count(MATERIAL)} selectors with "
                          f"{MATERIAL}, {copied} copied for {OURS}: see scripts/tables.py")
    return "\n".join(rules) + "\n"


def _mirrored(rules):
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [tinycss2.serialize(s).strip() for s in css_prune.split(rule.prelude)]
            ours = [s.replace(MATERIAL, OURS) for s in selectors if MATERIAL in s]
            if ours:
                yield f"{','.join(ours)}{{{tinycss2.serialize(rule.content)}}}"
        elif rule.type == "at-rule" and rule.lower_at_keyword in css_prune.NESTED and rule.content:
            inner = tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                             skip_whitespace=True)
            kept = list(_mirrored(inner))
            if kept:
                yield f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{''.join(kept)}}}"
