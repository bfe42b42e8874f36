/* The checkpoint's verifier: checks a protection document's signed code on the phone itself.
   Ed25519 through the browser's Web Crypto; the public keys and the list of withdrawn papers
   are fetched when there is a network and kept by the service worker for when there is none. */
"use strict";
(function () {
  var root = document.getElementById("verifier");
  if (!root) { return; }
  var t = root.dataset;
  var labels = JSON.parse(document.getElementById("verify-labels").textContent);

  function unb64(text) {
    var s = text.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out;
  }

  function load(url) {
    return fetch(url, {cache: "no-store"}).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    });
  }

  function lists() {
    return Promise.all([load(t.keys), load(t.revoked)]).then(function (got) {
      localStorage.setItem("asylon-verify", JSON.stringify({keys: got[0].keys, revoked: got[1].documents, at: got[1].generated_at}));
      return {keys: got[0].keys, revoked: got[1].documents, at: got[1].generated_at};
    }).catch(function () {
      var kept = localStorage.getItem("asylon-verify");
      return kept ? JSON.parse(kept) : {keys: {}, revoked: {}, at: null};
    });
  }

  function check(text, known) {
    var parts = text.trim().split(".");
    if (parts.length !== 3 || parts[0] !== "ASY1") { return Promise.resolve({verdict: "unknown"}); }
    var payload;
    try { payload = JSON.parse(new TextDecoder().decode(unb64(parts[1]))); } catch (e) { return Promise.resolve({verdict: "unknown"}); }
    var pub = known.keys[payload.kid];
    if (!pub) { return Promise.resolve({verdict: "unknown-key", payload: payload}); }
    if (!window.crypto || !crypto.subtle) { return Promise.resolve({verdict: "no-crypto", payload: payload}); }
    return crypto.subtle.importKey("raw", unb64(pub), {name: "Ed25519"}, false, ["verify"]).then(function (key) {
      return crypto.subtle.verify({name: "Ed25519"}, key, unb64(parts[2]), new TextEncoder().encode(parts[1]));
    }).then(function (ok) {
      if (!ok) { return {verdict: "forged", payload: payload}; }
      var ended = known.revoked[payload.r];
      if (ended) { return {verdict: ended.state === "SUPERSEDED" ? "superseded" : "withdrawn", payload: payload}; }
      var today = new Date().toISOString().slice(0, 10);
      return {verdict: payload.v < today ? "expired" : "valid", payload: payload};
    }, function () { return {verdict: "no-crypto", payload: payload}; });
  }

  function show(result, known) {
    var box = document.getElementById("verdict");
    var key = result.verdict === "unknown-key" ? "unknownKey" : result.verdict === "no-crypto" ? "noCrypto" : result.verdict;
    box.textContent = t[key];
    box.className = "verdict verdict-" + result.verdict;
    var p = result.payload;
    document.getElementById("details").hidden = !p;
    if (p) {
      document.getElementById("d-reference").textContent = p.r;
      document.getElementById("d-kind").textContent = labels.kinds[p.k] || p.k;
      document.getElementById("d-status").textContent = (labels.statuses[p.s] || p.s) + (p.b ? " · " + (labels.bases[p.b] || p.b) : "");
      document.getElementById("d-valid").textContent = p.v;
    }
    document.getElementById("sync").textContent = t.synced + " " + (known.at || t.never);
  }

  // The last paper's verdict goes before the next is checked: a checkpoint must never read
  // "valid" under a code that has not been checked yet.
  function run(text) {
    var box = document.getElementById("verdict");
    box.textContent = "";
    box.className = "verdict";
    document.getElementById("details").hidden = true;
    lists().then(function (known) { return check(text, known).then(function (r) { show(r, known); }); });
  }

  document.getElementById("verify-form").addEventListener("submit", function (e) {
    e.preventDefault();
    run(document.getElementById("code").value);
  });

  // The camera, where the browser reads QR codes itself (BarcodeDetector); typing works everywhere.
  if ("BarcodeDetector" in window && navigator.mediaDevices) {
    var scan = document.getElementById("scan");
    scan.hidden = false;
    scan.addEventListener("click", function () {
      var video = document.getElementById("camera"), detector = new window.BarcodeDetector({formats: ["qr_code"]});
      navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (stream) {
        video.srcObject = stream; video.hidden = false; video.play();
        var tick = function () {
          detector.detect(video).then(function (codes) {
            if (codes.length) {
              stream.getTracks().forEach(function (tr) { tr.stop(); });
              video.hidden = true;
              document.getElementById("code").value = codes[0].rawValue;
              run(codes[0].rawValue);
            } else { requestAnimationFrame(tick); }
          });
        };
        tick();
      });
    });
  }

  lists().then(function (known) { document.getElementById("sync").textContent = t.synced + " " + (known.at || t.never); });

  // Kept on the phone for the checkpoint with no network: the page, its script and style, the
  // keys and the list (the worker answers from this cache when the network fails).
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(t.sw, {scope: t.sw.replace(/sw\.js$/, "")})
      .then(function () {
        if (!window.caches) { return; }
        var urls = [location.pathname, t.keys, t.revoked].concat(t.static.split(" "));
        return caches.open("asylon-verify-v1").then(function (c) { return c.addAll(urls); });
      })
      .then(function () { root.dataset.offlineReady = "1"; })
      .catch(function () { /* verifying still works while online */ });
  }
})();
