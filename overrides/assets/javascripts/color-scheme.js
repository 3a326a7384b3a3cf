/* The page's colour scheme, without restyling the whole page at start-up.

   Material 9.8.2 (pinned) creates a <meta name="color-scheme"> when its palette code starts,
   appends it to <head>, then sets its content from the header's computed style (and again at
   every palette switch). Chromium restyles every element of the page each time such a meta is
   inserted or changed, even when its value is the one already in force: two whole-page
   restyles in every page's start-up.

   The template writes that meta into <head> itself, with the value of the palette the reader
   chose last (overrides/main.html), so it is in place before anything is styled. This script,
   deferred before Material's bundle, keeps Material's own meta out of the document and copies
   its content to the template's meta only when the value differs: when the reader switches
   between light and dark. The browser then has the right scheme for its own parts (the page's
   scroll bar, form controls), as with Material's meta.

   tests/browser/test_startup.py checks this against the pinned Material version. */
(function () {
  "use strict";
  var head = document.head;
  var ours = head.querySelector('meta[name="color-scheme"]');
  if (!ours) return;
  head.appendChild = function (node) {
    if (node && node.nodeName === "META" && node.getAttribute("name") === "color-scheme") {
      /* Only Material's one meta is held back: from now on <head> appends as usual. */
      delete head.appendChild;
      new MutationObserver(function () {
        var value = node.getAttribute("content");
        if (value && ours.getAttribute("content") !== value) ours.setAttribute("content", value);
      }).observe(node, { attributes: true, attributeFilter: ["content"] });
      return node;
    }
    return Node.prototype.appendChild.call(head, node);
  };
})();
