/* Offline worker of the roll-call pages: network first, the cache when the network fails.
   Marks are never sent by the worker: the page queues them and sends them itself. */
"use strict";
var CACHE = "asylon-rollcall-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") { return; }
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) { return; }
  var scope = url.pathname.indexOf("/incidents/roll-calls/") === 0 || url.pathname.indexOf("/static/") === 0;
  if (!scope || /counts\.json$/.test(url.pathname)) { return; }
  // The report, the close page and the reviews name the dead and the missing, and are not
  // needed offline: they are never kept on the device.
  if (/\/(report|close)\/$/.test(url.pathname) || url.pathname.indexOf("/incidents/roll-calls/reviews/") === 0) {
    return;
  }
  event.respondWith(
    fetch(req).then(function (resp) {
      if (resp.ok && resp.type === "basic") {
        var copy = resp.clone();
        caches.open(CACHE).then(function (c) { c.put(req, copy); });
      }
      return resp;
    }).catch(function () {
      return caches.match(req).then(function (hit) { return hit || Response.error(); });
    })
  );
});
