"""The theme's scripts, run after the first paint (scripts/script_loader.py). In the browser:
tests/test_browser.py (the bundle is requested after the first paint), and every test that uses
Material's or the site's JavaScript."""

import json
import re

import pytest
import yaml

from scripts.script_loader import after_first_paint
from scripts.site_check import ROOT, page_file, site_pages

SOURCES = re.compile(r"(\[[^\]]*\])\.forEach\(function \(src\)")


def test_the_loader_runs_the_blocks_scripts_in_their_order():
    tags = '\n  <script src="a/bundle.js"></script>\n  <script src="b.js"></script>\n'
    loader = after_first_paint(tags)
    assert loader.startswith("<script>") and "<script src" not in loader
    assert json.loads(SOURCES.search(loader).group(1)) == ["a/bundle.js", "b.js"]


@pytest.mark.parametrize("tags", [
    '<script src="a.js" defer></script>',  # an attribute it would drop
    '<script src="a.js"></script><script>inline()</script>',
    '<script type="module" src="m.js"></script>',
    "",
])
def test_anything_but_plain_script_tags_is_refused(tags):
    with pytest.raises(ValueError, match="expected only <script src"):
        after_first_paint(tags)


def test_every_page_loads_the_bundle_then_the_extra_javascript_and_no_script_tag(site):
    extra = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["extra_javascript"]
    for path in site_pages(site):
        html = (site / page_file(path)).read_text(encoding="utf-8")
        assert "<script src=" not in html, path
        sources = json.loads(SOURCES.search(html).group(1))
        assert re.fullmatch(r".*assets/javascripts/bundle\.[0-9a-f]{8}\.min\.js", sources[0]), path
        assert [s.rsplit("javascripts/", 1)[1] for s in sources[1:]] == \
            [s.removeprefix("javascripts/") for s in extra], path
