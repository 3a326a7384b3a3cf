/* Accessibility repairs that need the page as Material's script leaves it (the rest is done
   at build time by hooks/a11y.py).

   A table wider than the text column scrolls sideways inside Material's wrapper, which a
   keyboard cannot reach: make each such wrapper a focusable region with its own label
   (WCAG 2.1.1; axe's scrollable-region-focusable and landmark-unique). */
(function () {
  "use strict";
  var zh = document.documentElement.lang.indexOf("zh") === 0;
  function label(n) {
    return zh ? "表格 " + n + "（可横向滚动）" : "Table " + n + " (scrolls sideways)";
  }
  function mark() {
    /* Material adds a <nav> with the copy button to every code block: each such landmark
       needs a name of its own (axe's landmark-unique). */
    document.querySelectorAll(".md-code__nav").forEach(function (nav, i) {
      nav.setAttribute("aria-label", zh ? "代码块 " + (i + 1) + " 的操作" : "Code block " + (i + 1) + " actions");
    });
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap, i) {
      var wide = wrap.scrollWidth > wrap.clientWidth + 1;
      if (wide) {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", label(i + 1));
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(function () { window.requestAnimationFrame(mark); });
  } else {
    window.addEventListener("load", mark);
  }
  window.addEventListener("resize", mark);
  /* Content tabs and details blocks reveal tables that were hidden (zero width) before. */
  document.addEventListener("change", function () { window.requestAnimationFrame(mark); });
  document.addEventListener("toggle", function () { window.requestAnimationFrame(mark); }, true);
})();
