// Search on demand: Material's search worker, indexing the site when the reader opens search, not on every page.
//
// On every page load Material fetches search/search_index.json and hands it to its worker, which builds the Lunr
// index of the whole site at once, whether or not the reader ever searches (benchmarks/search_on_demand.py measures
// what that costs, and the wait it adds to the first search). The page (overrides/main.html) starts this worker
// instead, with Material's worker in ?worker= and a channel name, unique to the page view, in the fragment.
// This worker loads Material's and stands between it and the page:
// - the index (SETUP) is kept, and the page is told at once that search is ready (READY);
// - Material's worker builds the index when the page says on the channel that the reader went to the search box,
//   or at the first query, whichever comes first; queries wait for the index and are answered in order;
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
  var material = []; // the message listeners Material's worker adds

  self.addEventListener = function (type, listener, options) {
    if (type === "message") material.push(listener);
    else listen(type, listener, options);
  };
  self.postMessage = function (message) {
    if (!message || message.type !== READY) post(message); // READY was sent with the SETUP already
  };
  importScripts(here.searchParams.get("worker"));

  var status = { built: false }; // read by tests/browser/test_search_on_demand.py
  var setup = null; // the SETUP message, until the index is asked for
  var wanted = false; // the reader went to the search box before the SETUP came
  var queue = Promise.resolve();

  function enqueue(message) {
    var next = queue.then(function () {
      return Promise.all(material.map(function (listener) { return listener({ data: message }); }));
    });
    queue = next.catch(function () {}); // a failure is reported by `next`; later messages still run
    return next;
  }

  function build() {
    wanted = true;
    if (setup === null) return;
    enqueue(setup).then(function () { status.built = true; });
    setup = null;
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
      enqueue(message);
    }
  });

  if (here.hash.length > 1) new BroadcastChannel(decodeURIComponent(here.hash.slice(1))).onmessage = build;
  self.searchOnDemand = status;
})();
