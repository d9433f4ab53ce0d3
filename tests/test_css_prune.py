"""scripts/css_prune.py on small stylesheets whose answer is known by reading them: what a
page cannot use goes, and everything it might use stays (tests/test_notebook_css.py checks
the notebook pages themselves in a browser)."""

import lxml.html
import tinycss2

from scripts.css_prune import prune
from scripts.notebook_css import as_loaded

PAGE = """<!doctype html><html><head></head><body data-md-color-scheme="default">
<div class="md-content md-typeset"><div class="wrap"><p class="note">text</p>
<table><tr><td>1</td></tr></table><pre><code>x = 1</code></pre></div></div></body></html>"""


def kept(css, html=PAGE):
    """The selectors of the rules that ``prune`` keeps, in order."""
    rules = tinycss2.parse_stylesheet(prune(css, [lxml.html.document_fromstring(html)]),
                                      skip_whitespace=True)
    return [tinycss2.serialize(r.prelude).strip() if r.type == "qualified-rule"
            else f"@{r.at_keyword}" for r in rules]


def test_a_rule_for_elements_the_page_lacks_goes():
    assert kept(".wrap .note{color:red} .wrap .missing{color:red} button{x:1}") == [".wrap .note"]


def test_one_matching_selector_keeps_the_rule_whole():
    assert kept(".missing, .note{color:red}") == [".missing, .note"]


def test_states_and_pseudo_elements_are_judged_without_them():
    css = (".note:hover{a:1} .note::before{a:1} .note:focus-visible{a:1} .note:-moz-focusring{a:1}"
           " .missing:hover{a:1} .note::-webkit-scrollbar{a:1} .wrap:has(.note:focus){a:1}")
    assert kept(css) == [".note:hover", ".note::before", ".note:focus-visible",
                         ".note:-moz-focusring", ".note::-webkit-scrollbar", ".wrap:has(.note:focus)"]


def test_structure_is_checked():
    css = (".wrap > .note{a:1} .note > .wrap{a:1} .note:first-child{a:1} .note:last-child{a:1}"
           " .wrap :root{a:1} .note + table{a:1} table + .note{a:1} .wrap:not(.wrap){a:1}")
    assert kept(css) == [".wrap > .note", ".note:first-child", ".note + table"]


def test_what_cannot_be_evaluated_stays():
    css = (":not(:hover) .missing{a:1} .missing:is(:focus){a:1} .note:unknown-thing{a:1}"
           " .missing:unknown-thing{a:1}")  # no element has the class: whatever the rest, no match
    assert kept(css) == [":not(:hover) .missing", ".missing:is(:focus)", ".note:unknown-thing"]


def test_the_document_and_its_attributes_stay():
    css = (":root{--x:1} html{a:1} body[data-x=y]{a:1} *{a:1} [data-md-color-scheme=slate]{a:1}"
           " body.missing{a:1}")
    assert kept(css) == [":root", "html", "body[data-x=y]", "*", "[data-md-color-scheme=slate]"]


def test_custom_properties_are_judged_by_their_selector():
    assert kept(".wrap{--a:1} .missing{--b:2}") == [".wrap"]


def test_at_rules():
    css = ("@font-face{font-family:f} @keyframes spin{to{a:1}} @import url(x.css);"
           " @media (min-width:1px){.note{a:1} .missing{a:1}} @media print{.missing{a:1}}"
           " @supports (display:grid){.wrap{a:1}}")
    assert kept(css) == ["@font-face", "@keyframes", "@import", "@media", "@supports"]
    pruned = prune(css, [lxml.html.document_fromstring(PAGE)])
    assert "@media (min-width:1px){.note{a:1}}" in pruned and "print" not in pruned


def test_the_dark_palette_and_what_material_adds_count():
    css = ("[data-md-color-scheme=slate] .note{a:1} .wrap .md-typeset__scrollwrap{a:1}"
           " pre > .md-code__nav{a:1} .js .note{a:1} [data-md-color-scheme=other] .note{a:1}")
    light, dark = ({"scheme": "default", "primary": "indigo"}, {"scheme": "slate"})
    assert kept(css) == []  # the page as built: none of it
    pages = [as_loaded(PAGE, palette) for palette in (light, dark)]
    rules = tinycss2.parse_stylesheet(prune(css, pages), skip_whitespace=True)
    assert [tinycss2.serialize(r.prelude).strip() for r in rules] == [
        "[data-md-color-scheme=slate] .note", ".wrap .md-typeset__scrollwrap",
        "pre > .md-code__nav", ".js .note"]
