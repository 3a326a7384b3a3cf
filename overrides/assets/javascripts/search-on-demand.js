/* Search on demand, one index per language.

   Material 9.8.2 (pinned) requests search/search_index.json and starts its search worker on
   every page load; the index holds both languages. This script, deferred before Material's
   bundle, changes two things and nothing else:

   - the request for search/search_index.json goes to search/search_index.<lang>.json, the
     index of the page's language (written by hooks/search_zh.py), and is sent only when the
     reader starts a search: focus in the search box, opening it (the search key, the search
     icon), or a link with ?q= or ?h=;
   - the search worker is created when Material first sends it a message (the index), not at
     page load.

   tests/browser/test_search.py checks this against the pinned Material version. */
(function () {
  "use strict";
  var INDEX = /\/search\/search_index\.json(?:[?#].*)?$/;
  var WORKER = /\/assets\/javascripts\/workers\/search\.[0-9a-f]+\.min\.js$/;
  var lang = (document.documentElement.lang || "zh").split("-")[0].toLowerCase();
  var started = false;
  var waiting = [];

  function start() {
    if (started) return;
    started = true;
    var queued = waiting;
    waiting = [];
    queued.forEach(function (send) { send(); });
  }

  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    var args = Array.prototype.slice.call(arguments);
    if (INDEX.test(String(url))) {
      this.convshareIndex = true;
      args[1] = String(url).replace("search_index.json", "search_index." + lang + ".json");
    }
    return open.apply(this, args);
  };
  XMLHttpRequest.prototype.send = function () {
    var xhr = this;
    var args = arguments;
    if (xhr.convshareIndex && !started) {
      waiting.push(function () { send.apply(xhr, args); });
      return undefined;
    }
    return send.apply(xhr, args);
  };

  /* A stand-in for the search worker: it records the listeners and creates the real worker
     with the first message. */
  var RealWorker = window.Worker;
  function LazyWorker(url, options) {
    this.url = url;
    this.options = options;
    this.listeners = [];
    this.worker = null;
  }
  LazyWorker.prototype.addEventListener = function (type, listener, options) {
    this.listeners.push([type, listener, options]);
    if (this.worker) this.worker.addEventListener(type, listener, options);
  };
  LazyWorker.prototype.removeEventListener = function (type, listener, options) {
    this.listeners = this.listeners.filter(function (l) {
      return !(l[0] === type && l[1] === listener);
    });
    if (this.worker) this.worker.removeEventListener(type, listener, options);
  };
  LazyWorker.prototype.postMessage = function (message, transfer) {
    var self = this;
    if (!self.worker) {
      self.worker = new RealWorker(self.url, self.options);
      self.listeners.forEach(function (l) { self.worker.addEventListener(l[0], l[1], l[2]); });
    }
    self.worker.postMessage(message, transfer);
  };
  LazyWorker.prototype.terminate = function () {
    if (this.worker) this.worker.terminate();
  };
  if (RealWorker) {
    window.Worker = function (url, options) {
      return WORKER.test(new URL(String(url), location.href).pathname)
        ? new LazyWorker(url, options)
        : new RealWorker(url, options);
    };
    window.Worker.prototype = RealWorker.prototype;
  }

  /* What starts a search. Opening the search (key, icon) checks Material's #__search toggle. */
  var params = new URLSearchParams(location.search);
  if (params.has("q") || params.has("h")) start();
  document.addEventListener("focusin", function (event) {
    if (event.target instanceof Element && event.target.closest(".md-search")) start();
  });
  document.addEventListener("change", function (event) {
    if (event.target instanceof HTMLInputElement && event.target.id === "__search" &&
        event.target.checked) start();
  });
})();
