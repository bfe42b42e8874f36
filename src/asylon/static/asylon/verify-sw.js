/* Offline worker of the verification page: network first, the cache when the network fails.
   It keeps the page, its script and style, the public keys and the list of withdrawn papers:
   nothing personal (the list holds references only). */
"use strict";
var CACHE = "asylon-verify-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") { return; }
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/verify/") !== 0 && url.pathname.indexOf("/static/") !== 0) { return; }
  event.respondWith(
    fetch(req).then(function (resp) {
      if (resp.ok && resp.type === "basic") {
        var copy = resp.clone();
        caches.open(CACHE).then(function (c) { c.put(req, copy); });
      }
      return resp;
    }).catch(function () {
      return caches.match(req, {ignoreSearch: true, ignoreVary: true}).then(function (hit) { return hit || Response.error(); });
    })
  );
});
