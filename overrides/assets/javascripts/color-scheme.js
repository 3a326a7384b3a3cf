/* Material's palette code inserts a <meta name="color-scheme"> and sets it: each restyles the
   whole page. The page has its own (overrides/main.html explains); Material's is kept out, and
   its value copied over when it differs. Checked by tests/browser/test_startup.py. */
(function () {
  "use strict";
  var head = document.head;
  var ours = head.querySelector('meta[name="color-scheme"]');
  if (!ours) return;
  head.appendChild = function (node) {
    if (node && node.nodeName === "META" && node.getAttribute("name") === "color-scheme") {
      delete head.appendChild; /* only that one meta is held back */
      new MutationObserver(function () {
        var value = node.getAttribute("content");
        if (value && ours.getAttribute("content") !== value) ours.setAttribute("content", value);
      }).observe(node, { attributes: true, attributeFilter: ["content"] });
      return node;
    }
    return Node.prototype.appendChild.call(head, node);
  };
})();
