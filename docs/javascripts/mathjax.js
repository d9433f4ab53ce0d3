// MathJax 3 is served from this site (assets/mathjax), never from a CDN.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    // Only typeset what Arithmatex marked, and the Markdown cells of notebooks
    // (mkdocs-jupyter renders those itself, with $ delimiters). MathJax skips
    // everything inside an element with a class matching ignoreHtmlClass, unless
    // a processHtmlClass element sits closer. The pattern below matches any
    // class (so the whole page, from .md-container down) except the two divs
    // Material wraps around every table. Material's own ".*|" also matches
    // elements with no class at all, like the <p>, <li> and <td> inside a
    // notebook cell, so notebook math stayed raw (mkdocs-jupyter issue #227);
    // and a table in a notebook cell must stay processed once Material has
    // wrapped it. Arithmatex spans hold their TeX directly.
    ignoreHtmlClass: "(?!md-typeset__(?:scrollwrap|table)(?: |$))[^ ]+",
    processHtmlClass: "arithmatex|jp-RenderedMarkdown|jp-MarkdownOutput",
  },
};

// Instant navigation swaps the page without reloading scripts, so typeset the
// new content again. The first page is typeset by MathJax itself on load.
let firstPage = true;
document$.subscribe(() => {
  if (firstPage) {
    firstPage = false;
    return;
  }
  const mj = window.MathJax;
  mj.startup.promise = mj.startup.promise.then(() => {
    mj.startup.output.clearCache();
    mj.typesetClear();
    mj.texReset();
    return mj.typesetPromise();
  });
});
