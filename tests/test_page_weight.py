"""Page weight: what a reader downloads, gzip-compressed (as a typical server sends it).

A page's own weight is its HTML plus the images it references (both variants of a light/dark
figure) and its widgets' data, as ``scripts.site_check.page_weight`` defines it for these tests
and for ``make bench``: an upper bound, since figures below the fold load lazily. The budgets
and the gzip level live there too. The theme's CSS and JavaScript, the math stylesheet and its
fonts are shared and cached after the first page:
tests/test_browser.py measures a first visit, all of it, in Chromium and prints that table too.
Run with ``-s`` to see the tables.
"""

from scripts.site_check import PAGE_BUDGET, SVG_BUDGET, gzip_size, kb, own_weights, table


def test_every_page_own_weight_is_under_the_budget(site):
    weights = own_weights(site)
    rows = sorted(weights.items(), key=lambda item: -(item[1][0] + item[1][1]))
    print("\nOwn weight of each page (gzip), heaviest first:")
    print(table(["page", "HTML", "images", "(n)", "own weight"],
                [[path or "(home)", kb(h), kb(i), n, kb(h + i)] for path, (h, i, n) in rows]))
    over = [f"{path or '(home)'}: {kb(h + i)} (HTML {kb(h)}, {n} images {kb(i)})"
            for path, (h, i, n) in rows if h + i >= PAGE_BUDGET]
    assert not over, f"pages over {kb(PAGE_BUDGET)}:\n" + "\n".join(over)


def test_every_svg_is_under_the_budget(site):
    svgs = sorted(((p.stat().st_size, p.relative_to(site).as_posix())
                   for p in site.rglob("*.svg") if "assets" not in p.relative_to(site).parts),
                  reverse=True)
    assert svgs, "no SVG figure on the site"
    print(f"\n{len(svgs)} SVGs, largest first:")
    print(table(["svg", "bytes", "gzip"],
                [[name, kb(size), kb(gzip_size((site / name).read_bytes()))]
                 for size, name in svgs[:10]]))
    over = [f"{name}: {kb(size)}" for size, name in svgs if size >= SVG_BUDGET]
    assert not over, f"SVGs over {kb(SVG_BUDGET)}:\n" + "\n".join(over)
