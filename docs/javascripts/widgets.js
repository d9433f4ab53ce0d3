// The interactive widgets (.nn-widget, see scripts/widgets.py) are ES modules in widgets/,
// imported only on a page that has one, once Material's document$ says the page is ready.
(() => {
  const url = new URL("widgets/index.js", document.currentScript.src);
  let module = null;
  document$.subscribe(() => {
    const hasWidget = document.querySelector(".nn-widget") !== null;
    if (hasWidget && module === null) module = import(url);
    if (module !== null) module.then((m) => m.mount(document));
  });
})();
