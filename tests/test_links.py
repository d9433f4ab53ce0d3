"""Every internal link and anchor of the built site resolves.

MkDocs' own validation (mkdocs.yml ``validation:``, strict build) checks the links written in
Markdown. These tests check the built HTML, theme, API reference and notebooks included:

- LinkChecker crawls the site from its home page over HTTP (the site served locally, under its
  site_url path as on GitHub Pages), following every internal link and loading every page,
  image, script and style sheet; links to other hosts are not followed (no network);
- every ``#fragment`` of an internal link names an id on its target page. LinkChecker's
  AnchorCheck plugin can do this too, but it downloads and parses the target page again for
  each fragment (a minute for this site on two cores, against a second here).
"""

import csv
import subprocess
import sys
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

from scripts.site_check import SITE_PATH, SiteHandler, serve, site_pages

LINKCHECKER = Path(sys.executable).with_name("linkchecker")
# LinkChecker waits 0.1 to 0.6 s between two requests to one host, unless the host answers
# with a "LinkChecker" header, which says it can take more (its documented escape hatch).
LINKCHECKER_RC = """\
[checking]
maxrequestspersecond=1000
[filtering]
checkextern=0
[output]
warnings=1
"""


class UnthrottledHandler(SiteHandler):
    headers_to_send = {"LinkChecker": "local test server"}


def linkcheck(site, tmp_path):
    """Crawl ``site`` with LinkChecker; return (its rows, the site's URL, its stderr)."""
    rc = tmp_path / "linkcheckerrc"
    rc.write_text(LINKCHECKER_RC)
    with serve(site, UnthrottledHandler) as url:
        result = subprocess.run(
            [str(LINKCHECKER), "--config", str(rc), "--no-status", "--verbose",
             "--output", "csv", url],
            capture_output=True, text=True, timeout=300,
        )
    lines = [line for line in result.stdout.splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter=";")), url, result


def broken(rows):
    """Rows LinkChecker found invalid or warned about: 'page: link: what is wrong'."""
    return [
        f"{row['parentname'] or '(start)'}: {row['urlname']}: "
        f"{row['result']} {row['warningstring']}".strip()
        for row in rows
        if row["valid"] != "True" or row["warningstring"]
    ]


def test_linkchecker_finds_no_broken_internal_link(site, tmp_path):
    rows, url, result = linkcheck(site, tmp_path)
    assert not broken(rows), "\n".join(broken(rows))
    assert result.returncode == 0, result.stdout + result.stderr
    # It crawled the whole site, not just the home page.
    checked = {row["url"] for row in rows}
    missing = [path for path in site_pages(site) if path != "404.html"
               and url + path not in checked]
    assert not missing, f"LinkChecker never reached {missing}"


def anchor_problems(site):
    """Internal links whose #fragment names no id (nor a[name]) on the target page."""
    origin = "http://site.invalid"

    @cache
    def ids(target):
        soup = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
        return {t["id"] for t in soup.find_all(id=True)} | {
            a["name"] for a in soup.find_all("a", attrs={"name": True})}

    problems = []
    for path in site_pages(site):
        page = site / path / "index.html" if not path.endswith(".html") else site / path
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for a in soup.find_all("a", href=True):
            link = urlsplit(urljoin(f"{origin}{SITE_PATH}{path}", a["href"]))
            if not link.fragment or f"{link.scheme}://{link.netloc}" != origin:
                continue
            if not link.path.startswith(SITE_PATH):
                problems.append(f"{path or '(home)'}: {a['href']}: outside the site")
                continue
            target = site / unquote(link.path[len(SITE_PATH):])
            target = target / "index.html" if link.path.endswith("/") else target
            if target.suffix != ".html":
                continue  # an image's #only-light, a download
            if not target.is_file():
                problems.append(f"{path or '(home)'}: {a['href']}: no such page")
            elif unquote(link.fragment) not in ids(target):
                problems.append(f"{path or '(home)'}: {a['href']}: no such anchor")
    return problems


def test_every_internal_anchor_names_an_id_on_its_page(site):
    problems = anchor_problems(site)
    assert not problems, "\n".join(problems)


def test_both_checks_catch_a_broken_link_and_a_broken_anchor(tmp_path):
    """The checks themselves, on a three-page site with one of each kind of fault."""
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text(
        '<h1 id="top">Home</h1><a href="a/">A</a> <a href="a/#here">here</a> '
        '<a href="a/#nowhere">nowhere</a> <a href="#top">top</a> '
        '<a href="https://example.invalid/">elsewhere</a>'
    )
    (site / "a" / "index.html").write_text(
        '<h1 id="here">A</h1><a href="../missing/">missing</a> <a href="../">home</a>')
    (site / "404.html").write_text("<h1>Not found</h1>")
    rows, _, _ = linkcheck(site, tmp_path)
    assert [line.split(": ")[1] for line in broken(rows)] == ["../missing/"]
    assert anchor_problems(site) == ["(home): a/#nowhere: no such anchor"]
