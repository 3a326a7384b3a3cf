/* Accessibility repairs that need the page as Material's script leaves it (the rest is done
   at build time by hooks/a11y.py).

   A table wider than the text column scrolls sideways inside Material's wrapper, which a
   keyboard cannot reach: make each such wrapper a focusable region with its own label
   (WCAG 2.1.1; axe's scrollable-region-focusable and landmark-unique).

   Widths are read in a ResizeObserver's callback, which the browser calls after it has laid
   the page out anyway: reading them never forces an extra layout of the whole page while it
   loads. The observer also fires when a wrapper or its table changes size: the window resized,
   a content tab or a details block revealed a table that was hidden, a font arrived. */
(function () {
  "use strict";
  var zh = document.documentElement.lang.indexOf("zh") === 0;
  var numbers = new Map();
  function label(n) {
    return zh ? "表格 " + n + "（可横向滚动）" : "Table " + n + " (scrolls sideways)";
  }
  function update(wrap) {
    var wide = wrap.scrollWidth > wrap.clientWidth + 1;
    if (wide) {
      wrap.tabIndex = 0;
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", label(numbers.get(wrap)));
    } else if (wrap.getAttribute("role") === "region") {
      wrap.removeAttribute("tabindex");
      wrap.removeAttribute("role");
      wrap.removeAttribute("aria-label");
    }
  }
  var observer = new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      var wrap = entry.target.closest(".md-typeset__scrollwrap");
      if (wrap) update(wrap);
    });
  });
  /* Material adds a <nav> holding the copy button to each code block when the block first
     comes into view (content.lazy in mkdocs.yml): each such landmark needs a name of its own
     (axe's landmark-unique), numbered by its block's place in the page, whatever the order in
     which the reader reaches them. The observer is in place before Material's start-up, so it
     sees every one. */
  var blocks = null;
  function name(nav) {
    if (blocks === null) {
      blocks = Array.prototype.map.call(document.querySelectorAll(".md-content pre > code"),
        function (code) { return code.parentElement; });
    }
    var n = blocks.indexOf(nav.parentElement) + 1;
    nav.setAttribute("aria-label", zh ? "代码块 " + n + " 的操作" : "Code block " + n + " actions");
  }
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        if (node.nodeType === 1 && node.classList.contains("md-code__nav")) name(node);
      });
    });
  }).observe(document.body, { childList: true, subtree: true });
  function mark() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap, i) {
      numbers.set(wrap, i + 1);
      observer.observe(wrap);
      var table = wrap.querySelector("table");
      if (table) observer.observe(table);
    });
  }
  if (typeof document$ !== "undefined") {
    /* A frame later: Material's own subscribers wrap the tables first. */
    document$.subscribe(function () { window.requestAnimationFrame(mark); });
  } else {
    window.addEventListener("load", mark);
  }
})();
