// Search on demand: Material's search worker, indexing the site when the reader opens search, not on every page.
//
// On every page load Material fetches search/search_index.json and hands it to its worker, which builds the Lunr
// index of the whole site at once, whether or not the reader ever searches (benchmarks/search_on_demand.py measures
// what that costs, and the wait it adds to the first search). The page (overrides/main.html) starts this worker
// instead, with Material's worker in ?worker=, the index's address in ?index= and a channel name, unique to the page
// view, in the fragment; it answers Material's own request for the index with an empty one.
// This worker stands between Material's worker and the page:
// - the SETUP message (the empty index and Material's search options) is kept, and the page is told at once that
//   search is ready (READY);
// - on the channel, the worker says "hello" when it starts, and the page answers with all it said before (a message
//   sent on a channel nobody listens to yet is lost; on a busy machine this script can arrive after the page is idle);
// - when the page says on the channel that it has loaded and is idle ("idle"), the index is downloaded and
//   Material's worker loaded, but nothing is built: the download no longer competes with the page's own (fetched
//   while the page loaded, the index counted in its largest contentful paint in Lighthouse's mobile runs, scripts/
//   audit.py), and the first search does not wait for the network;
// - when the page says that the reader went to the search box ("open"), or at the first query, whichever comes
//   first, the index goes into the SETUP and Material's worker builds it; queries wait for the index and are
//   answered in order;
// - the empty query Material sends when search is ready is answered as Material answers it, with no index built:
//   Search.search returns { items: [] } when the query is empty (Material for MkDocs 9.8,
//   src/templates/assets/javascripts/integrations/search/_/index.ts).
// Not used from file:// (the offline build): there Material itself waits until the reader opens search. It sits
// beside Material's worker, so that the worker's relative imports (../lunr) resolve as they do for Material's.
(function () {
  "use strict";
  // Material's message types (integrations/search/worker/message: SETUP, READY, QUERY, RESULT)
  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
  var here = new URL(self.location.href);
  var post = self.postMessage.bind(self);
  var listen = self.addEventListener.bind(self);
  var material = null; // the message listeners Material's worker adds, once it is loaded

  function loadMaterial() {
    if (material !== null) return;
    material = [];
    self.addEventListener = function (type, listener, options) {
      if (type === "message") material.push(listener);
      else listen(type, listener, options);
    };
    self.postMessage = function (message) {
      if (!message || message.type !== READY) post(message); // READY was sent with the SETUP already
    };
    importScripts(here.searchParams.get("worker"));
  }

  var status = { built: false }; // read by tests/browser/test_search_on_demand.py
  var setup = null; // the SETUP message, until the index is asked for
  var wanted = false; // the reader went to the search box before the SETUP came
  var queue = Promise.resolve();

  function enqueue(task) {
    var next = queue.then(task);
    queue = next.catch(function () {}); // a failure is reported by `next`; later messages still run
    return next;
  }

  function deliver(message) {
    loadMaterial();
    return Promise.all(material.map(function (listener) { return listener({ data: message }); }));
  }

  var download = null; // the index's JSON, once asked for

  function prefetch() {
    var index = here.searchParams.get("index");
    if (download === null && index) {
      download = fetch(index).then(function (response) {
        if (!response.ok) throw new Error("search index: HTTP " + response.status + " for " + index);
        return response.json();
      });
      download.catch(function () { download = null; }); // asked for again by the build
    }
    loadMaterial();
  }

  function withIndex(message) {
    prefetch();
    if (download === null) return Promise.resolve(message); // no ?index=: the SETUP holds the index
    return download.then(function (json) {
      message.data.config = json.config;
      message.data.docs = json.docs;
      return message;
    });
  }

  function build() {
    wanted = true;
    if (setup === null) return;
    var message = setup;
    setup = null;
    enqueue(function () { return withIndex(message).then(deliver); }).then(function () { status.built = true; });
  }

  listen("message", function (event) {
    var message = event.data;
    if (message && message.type === SETUP) {
      setup = message;
      post({ type: READY });
      if (wanted) build();
    } else if (message && message.type === QUERY && message.data === "" && setup !== null) {
      post({ type: RESULT, data: { items: [] } });
    } else {
      build();
      enqueue(function () { return deliver(message); });
    }
  });

  if (here.hash.length > 1) {
    var channel = new BroadcastChannel(decodeURIComponent(here.hash.slice(1)));
    channel.onmessage = function (event) {
      if (event.data === "idle") prefetch();
      else if (event.data === "open") build();
    };
    channel.postMessage("hello"); // the page says again what it said before this worker listened
  }
  self.searchOnDemand = status;
})();
