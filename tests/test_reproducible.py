"""Two clean builds of the same sources give byte-identical sites, with MkDocs and ProperDocs alike.

The second build runs in a copy of the project with an empty notebook cache, so every notebook
is executed again: its outputs (numbers, plots, reprs) must not depend on the run. Its math cache
is empty too, so every formula is typeset again, by another Node process. The figure cache is
shared: test_figures.py renders every figure in two processes with no shared cache and compares
the bytes. Both builds get the same SOURCE_DATE_EPOCH, which MkDocs writes into sitemap.xml as
every page's lastmod. A ProperDocs build of the same sources must give the same site but for the
generator tag.
"""

import datetime
import difflib
import re
import shutil
from pathlib import Path

import pytest

from scripts.site_check import ROOT, build_site, source_date_epoch

pytestmark = pytest.mark.build

# What `mkdocs build` reads: the config, the pages, the hook and figure scripts, nnlib, and the
# npm packages of the math renderer (node_modules is only read: linked, not copied).
SOURCES = ["mkdocs.yml", "docs", "scripts", "nnlib", "package.json", "package-lock.json"]


def first_difference(a, b, name):
    """A few lines of unified diff (or the first differing byte) between two files."""
    try:
        old, new = a.decode("utf-8").splitlines(), b.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        return f"{name}: bytes differ from offset {at} ({len(a)} and {len(b)} bytes)"
    diff = difflib.unified_diff(old, new, f"first/{name}", f"second/{name}", n=0, lineterm="")
    return "\n".join(line[:200] for line in list(diff)[:12])


def test_two_clean_builds_are_byte_identical(site, tmp_path):
    copy = tmp_path / "project"
    for name in SOURCES:
        source, dest = ROOT / name, copy / name
        if source.is_dir():
            shutil.copytree(source, dest,
                            ignore=shutil.ignore_patterns("__pycache__", "node_modules"))
        else:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest)
    (copy / "node_modules").symlink_to(ROOT / "node_modules")
    if (ROOT / ".cache" / "figures").is_dir():
        shutil.copytree(ROOT / ".cache" / "figures", copy / ".cache" / "figures")
    second = tmp_path / "site"
    result = build_site(second, config=copy / "mkdocs.yml")
    assert result.returncode == 0, f"strict build failed:\n{result.stderr}"

    first_files = {p.relative_to(site) for p in site.rglob("*") if p.is_file()}
    second_files = {p.relative_to(second) for p in second.rglob("*") if p.is_file()}
    assert first_files == second_files, (
        f"only in the first build: {sorted(map(str, first_files - second_files))}\n"
        f"only in the second: {sorted(map(str, second_files - first_files))}"
    )
    differing = [f for f in sorted(first_files)
                 if (site / f).read_bytes() != (second / f).read_bytes()]
    assert not differing, f"{len(differing)} files differ:\n" + "\n\n".join(
        first_difference((site / f).read_bytes(), (second / f).read_bytes(), str(f))
        for f in differing[:10]
    )


def test_sitemap_dates_come_from_source_date_epoch(site):
    epoch = int(source_date_epoch())
    day = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).date().isoformat()
    sitemap = (site / "sitemap.xml").read_text()
    dates = set(re.findall(r"<lastmod>([^<]*)</lastmod>", sitemap))
    assert dates == {day}, f"sitemap dates {dates}, SOURCE_DATE_EPOCH={epoch} is {day}"


GENERATOR_TAG = re.compile(rb'<meta name="generator" content="[^"]*">')


def site_files(site):
    """{relative path: bytes} of a built site, the generator tag blanked in HTML."""
    return {p.relative_to(site): GENERATOR_TAG.sub(b'<meta name="generator">', p.read_bytes())
            if p.suffix == ".html" else p.read_bytes()
            for p in Path(site).rglob("*") if p.is_file()}


def test_properdocs_builds_the_same_site_as_mkdocs(site, tmp_path):
    """ProperDocs, the maintained MkDocs 1.6 fork, reads the same config, hooks and plugins."""
    result = build_site(tmp_path / "site", generator="properdocs")
    assert result.returncode == 0, f"strict ProperDocs build failed:\n{result.stderr}"
    tag = GENERATOR_TAG.search((tmp_path / "site" / "index.html").read_bytes()).group(0)
    assert b"ProperDocs" in tag
    first, second = site_files(site), site_files(tmp_path / "site")
    assert set(first) == set(second), set(first) ^ set(second)
    differing = [f for f in sorted(first) if first[f] != second[f]]
    assert not differing, f"{len(differing)} files differ:\n" + "\n\n".join(
        first_difference(first[f], second[f], str(f)) for f in differing[:10])
