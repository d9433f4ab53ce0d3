// The interactive widgets (.nn-widget, see scripts/widgets.py) are ES modules in widgets/,
// imported only on a page that has one. Material's document$ fires on the first page and
// on every page instant navigation swaps in: the widgets of the page before are torn down.
(() => {
  const url = new URL("widgets/index.js", document.currentScript.src);
  let module = null;
  document$.subscribe(() => {
    const hasWidget = document.querySelector(".nn-widget") !== null;
    if (hasWidget && module === null) module = import(url);
    if (module !== null) module.then((m) => m.mount(document));
  });
})();
