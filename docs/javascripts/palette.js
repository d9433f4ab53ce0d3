// Switching the palette, in place of Material's palette component (not mounted: see
// scripts/theme/partials/palette.html). The inline script after the form showed the current
// option at parse time and defined __palette_index and __palette_apply, used here.
(() => {
  const form = document.querySelector("input[name=__palette]")?.form;
  if (!form) return;
  const inputs = [...form.querySelectorAll("input[name=__palette]")];
  const body = document.body;
  let current = inputs.findIndex((input) => input.checked);

  // The mobile browser's bar in the header's colour, as Material. A theme-color meta restyles
  // nothing (a color-scheme one would: see extra.css); the header's colour is read when the
  // browser is idle after load, or on a switch, when the styles are up to date either way.
  function themeColor() {
    let meta = document.querySelector("meta[name=theme-color]");
    if (!meta) {
      meta = document.createElement("meta");
      meta.name = "theme-color";
      document.head.append(meta);
    }
    const header = document.querySelector("[data-md-component=header]");
    const rgb = getComputedStyle(header).backgroundColor.match(/\d+/g).slice(0, 3);
    meta.content = "#" + rgb.map((v) => (+v).toString(16).padStart(2, "0")).join("");
  }

  // As Material: no transitions while the colours change, until the next task.
  function show(index) {
    body.setAttribute("data-md-color-switching", "");
    const palette = __palette_apply(index);
    current = index;
    themeColor();
    setTimeout(() => body.removeAttribute("data-md-color-switching"));
    return palette;
  }

  if (window.requestIdleCallback) requestIdleCallback(themeColor);
  else addEventListener("load", () => setTimeout(themeColor));

  form.addEventListener("change", (event) => {
    const index = inputs.indexOf(event.target);
    if (index >= 0) __md_set("__palette", show(index));
  });

  // As Material: Enter on the focused option switches to the next one.
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !inputs.includes(event.target)) return;
    const next = inputs[(current + 1) % inputs.length];
    next.click();
    next.focus();
  });

  // Follow the OS while the reader has chosen nothing, or chose the automatic option.
  matchMedia("(prefers-color-scheme: light)").addEventListener("change", () => {
    const saved = __md_get("__palette");
    if (!saved) show(__palette_index());
    else if (saved.color?.media === "(prefers-color-scheme)") __md_set("__palette", show(saved.index));
  });
})();
