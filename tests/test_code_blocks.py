"""Code blocks reachable by keyboard before Material mounts them (scripts/code_blocks.py)."""

import lxml.html

from scripts.code_blocks import focusable
from scripts.site_check import page_file, site_pages


def test_every_pre_code_gets_tabindex_and_nothing_else_changes():
    html = ('<pre><span></span><code>a = 1</code></pre><pre class="x"><code class="py">b</code>'
            '</pre><p><code>inline</code></p><pre><code tabindex="-1">c</code></pre>')
    assert focusable(html) == (
        '<pre><span></span><code tabindex="0">a = 1</code></pre><pre class="x">'
        '<code tabindex="0" class="py">b</code></pre><p><code>inline</code></p>'
        '<pre><code tabindex="-1">c</code></pre>')
    assert focusable(focusable(html)) == focusable(html)


def test_every_code_block_of_the_site_is_focusable(site):
    blocks = 0
    for path in site_pages(site):
        root = lxml.html.parse(str(site / page_file(path))).getroot()
        for code in root.cssselect(".md-content pre > code"):
            blocks += 1
            assert code.get("tabindex") == "0", f"{path}: {lxml.html.tostring(code)[:80]}"
    assert blocks > 200
