"""The theme's scripts, run once the page has painted (a Jinja filter on Material's ``scripts``
block: scripts/theme/main.html).

Material puts its bundle and mkdocs.yml's ``extra_javascript`` at the end of ``<body>`` as plain
``<script src>`` tags. When the parser reached them before its first yield, the bundle ran
before anything was painted, and its first read of the scroll position made the browser style
and lay out the whole page inside the same task: on a long page, about 0.2 s of a desktop core,
which a phone (Lighthouse's model: 4 times slower) spends before the reader sees anything.
Whether the parser yielded first changed from load to load: it did not in 3 of 4 loads of
forward-propagation/ that Lighthouse traced (README, Performance).

``after_first_paint`` replaces those tags by one inline script that adds the same scripts, in
the same order, once the browser reports the first contentful paint (a ``paint``
PerformanceObserver; the next frame, where that is not supported), so that they and the search
index Material then fetches (120 KB) do not compete with what the first paint needs. Material
waits for ``DOMContentLoaded``, which has fired by then, so the loader dispatches it again once
they have run (Material listens once: had the browser's come after all, it would have been the
one). ``window.__scripts`` is a promise that resolves then
(the browser tests wait on it).
"""

import json
import re

TAG = re.compile(r'<script src="([^"]+)"></script>')

LOADER = """<script>
window.__scripts = new Promise(function (ran) {
  function run() {
    var script;
    %s.forEach(function (src) {
      script = document.createElement("script");
      script.src = src;
      script.async = false;  /* run in this order, as the tags would */
      document.body.append(script);
    });
    script.onload = function () {
      document.dispatchEvent(new Event("DOMContentLoaded"));
      ran();
    };
  }
  var paint = window.PerformanceObserver && PerformanceObserver.supportedEntryTypes || [];
  if (paint.indexOf("paint") < 0) return requestAnimationFrame(function () { setTimeout(run); });
  new PerformanceObserver(function (list, observer) {
    if (!list.getEntriesByName("first-contentful-paint").length) return;
    observer.disconnect();
    setTimeout(run);
  }).observe({type: "paint", buffered: true});
});
</script>"""


def after_first_paint(tags):
    """Material's ``scripts`` block (``tags``: its HTML) as one loader that runs the same
    scripts after the first paint. Anything but plain ``<script src>`` tags is a ValueError."""
    sources = TAG.findall(tags)
    left = TAG.sub("", tags).strip()
    if left or not sources:
        raise ValueError(f"expected only <script src=...></script> tags, got {tags.strip()!r}")
    return LOADER % json.dumps(sources)
