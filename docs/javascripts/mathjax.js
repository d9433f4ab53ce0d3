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

// Instant navigation swaps the page without reloading scripts: typeset again.
document$.subscribe(() => {
  const mj = window.MathJax;
  if (!mj.startup || !mj.startup.promise) return; // not loaded yet: it typesets on load
  mj.startup.promise = mj.startup.promise.then(() => {
    mj.startup.output.clearCache();
    mj.typesetClear();
    mj.texReset();
    return mj.typesetPromise();
  });
});
