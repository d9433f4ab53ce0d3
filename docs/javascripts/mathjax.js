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
    // (mkdocs-jupyter renders those itself, with $ delimiters).
    ignoreHtmlClass: ".*|",
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
