"""A stylesheet cut to the rules that can apply to some pages: tinycss2 reads the CSS,
cssselect turns each selector into XPath, which lxml evaluates on the pages (in C: the
~3,000 rules of JupyterLab's CSS take well under a second on three pages).

Conservative on purpose. A style rule stays when any of its selectors, with the
pseudo-classes and pseudo-elements that depend on state (``:hover``, ``::before``, ...)
taken out, matches an element of some page; when a selector cannot be evaluated; and when
a selector addresses only the document (``html``, ``body``, ``:root``, ``*``, attributes on
them). A rule that defines custom properties is judged the same way: on no element, its
definitions reach no element either. ``@font-face``, ``@keyframes`` and
every other at-rule stay whole, but for ``@media``, ``@supports`` and ``@layer`` blocks,
which are pruned inside (and dropped when nothing is left in them).
"""

import tinycss2
from cssselect import HTMLTranslator, SelectorError
from lxml import etree
from tinycss2.ast import FunctionBlock, IdentToken, LiteralToken, WhitespaceToken

# Pseudo-classes that hold or not depending on what the reader does or what the page's
# scripts change; every vendor-prefixed one (:-moz-focusring) is treated the same way.
STATE = {
    "hover", "focus", "focus-visible", "focus-within", "active", "visited", "link",
    "any-link", "target", "target-within", "checked", "indeterminate", "default",
    "disabled", "enabled", "valid", "invalid", "user-valid", "user-invalid", "in-range",
    "out-of-range", "required", "optional", "placeholder-shown", "read-only", "read-write",
    "autofill", "blank", "empty", "playing", "paused", "fullscreen", "modal",
    "popover-open", "open", "closed", "defined", "current", "past", "future",
}
# Pseudo-elements written with one colon, as CSS 2 did.
LEGACY_PSEUDO_ELEMENTS = {"before", "after", "first-line", "first-letter"}
# What a selector that addresses only the document may be made of.
DOCUMENT = {"html", "body", "root"}
NESTED = {"media", "supports", "layer"}
_TRANSLATOR = HTMLTranslator()


class Unevaluable(Exception):
    """A selector that the state pseudo-classes leave empty, as ``:is(:hover)``."""


def prune(css, pages):
    """The rules of ``css`` that can apply to any of ``pages`` (``lxml.html`` documents).

    Returns the CSS text, rules in their order, each serialized as written.
    """
    pages = [_Page(page) for page in pages]
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return "\n".join(tinycss2.serialize([rule]).strip() for rule in _kept(rules, pages))


def _kept(rules, pages):
    for rule in rules:
        if rule.type == "qualified-rule":
            if _rule_applies(rule, pages):
                yield rule
        elif rule.type == "at-rule" and rule.lower_at_keyword in NESTED and rule.content:
            inner = tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                             skip_whitespace=True)
            kept = list(_kept(inner, pages))
            if kept:
                body = "\n".join(tinycss2.serialize([r]).strip() for r in kept)
                yield tinycss2.parse_one_rule(
                    f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{body}}}")
        elif rule.type == "at-rule":
            yield rule  # @font-face, @keyframes, @import, @charset, @page, ...


def _rule_applies(rule, pages):
    for selector in split(rule.prelude):
        try:
            stripped = _without_state(selector)
        except Unevaluable:
            return True
        text = tinycss2.serialize(stripped).strip()
        if not text or _only_document(stripped):
            return True
        needs = _required_names(stripped)
        candidates = [page.root for page in pages if needs <= page.names]
        if not candidates:
            continue
        try:
            xpath = etree.XPath(_TRANSLATOR.css_to_xpath(text))
        except (SelectorError, etree.XPathError):
            return True  # cssselect cannot evaluate it: keep
        if any(xpath(root) for root in candidates):
            return True
    return False


def split(tokens):
    """A selector list's selectors (top-level commas)."""
    selector = []
    for token in tokens:
        if token == "," or (isinstance(token, LiteralToken) and token.value == ","):
            yield selector
            selector = []
        else:
            selector.append(token)
    yield selector


def _without_state(tokens):
    """The selector without state pseudo-classes and pseudo-elements, inside
    ``:is()``/``:not()``/``:has()`` too."""
    out = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if _is_colon(token) and _is_colon(following):  # ::pseudo-element
            i += 3
            continue
        if _is_colon(token) and isinstance(following, IdentToken):
            name = following.lower_value
            if name in STATE or name in LEGACY_PSEUDO_ELEMENTS or name.startswith("-"):
                i += 2
                continue
        if _is_colon(token) and isinstance(following, FunctionBlock):
            if following.lower_name.startswith("-"):
                i += 2  # :-webkit-any(...) and the like
                continue
            arguments = _without_state(following.arguments)
            if not tinycss2.serialize(arguments).strip():
                raise Unevaluable
            out += [token, FunctionBlock(following.source_line, following.source_column,
                                         following.name, arguments)]
            i += 2
            continue
        out.append(token)
        i += 1
    return out


def _is_colon(token):
    return isinstance(token, LiteralToken) and token.value == ":"


def _only_document(tokens):
    """True for a selector made only of ``html``, ``body``, ``:root``, ``*``, attribute
    selectors and combinators: it addresses the document, whose attributes the theme's
    scripts change (the palette is ``data-md-color-scheme`` on ``body``)."""
    for token in tokens:
        if isinstance(token, IdentToken) and token.lower_value not in DOCUMENT:
            return False
        if isinstance(token, LiteralToken) and token.value not in {":", "*", ">", "+", "~"}:
            return False
        if not isinstance(token, (IdentToken, LiteralToken, WhitespaceToken)) \
                and token.type != "[] block":
            return False
    return True


def _required_names(tokens):
    """The classes (".name"), ids ("#name") and element names a selector names outside
    functional pseudo-classes: a page that lacks one cannot match, and need not be searched
    (an XPath search in vain takes milliseconds, and most of JupyterLab's rules would)."""
    names = set()
    for before, token in zip([None, *tokens], tokens):
        if token.type == "hash":
            names.add(f"#{token.value}")
        elif isinstance(token, IdentToken):
            prefix = before.value if isinstance(before, LiteralToken) else ""
            if prefix == ".":
                names.add(f".{token.value}")
            elif prefix not in {":", "|"}:
                names.add(token.lower_value)
    return names


class _Page:
    """A page and the names its elements carry."""

    def __init__(self, root):
        self.root = root
        self.names = set()
        for element in root.iter(etree.Element):
            self.names.add(element.tag)
            self.names.update(f".{name}" for name in element.get("class", "").split())
            if element.get("id"):
                self.names.add(f"#{element.get('id')}")
