/* Roll-call marking page: search-as-you-type, a unit's list, a local queue of marks that
   survives a lost network (localStorage), a live count, and a service worker that keeps the
   page and its list available offline. Plain JavaScript, no build step. */
(function () {
  "use strict";
  var root = document.getElementById("rollcall");
  if (!root) { return; }
  var rc = root.dataset.rc;
  var QUEUE_KEY = "asylon-rollcall-queue-" + rc;
  var LIST_KEY = "asylon-rollcall-list-" + rc;
  var CACHE = "asylon-rollcall-v1";
  var entries = [];
  var byRef = {};
  var flushing = false;
  var stopped = false;
  var list = document.getElementById("rc-list");
  var search = document.getElementById("rc-search");
  var unitSelect = document.getElementById("rc-unit");
  var onlyUnchecked = document.getElementById("rc-unchecked");
  var buttonsTemplate = document.getElementById("rc-buttons");
  var labels = {};
  if (buttonsTemplate) {
    Array.prototype.forEach.call(buttonsTemplate.content.querySelectorAll("button"), function (b) {
      labels[b.dataset.result] = b.textContent;
    });
  }
  labels.NOT_YET_CHECKED = labels.NOT_YET_CHECKED || "—";

  if (root.dataset.state === "CLOSED") {
    // A closed roll call's names need not stay on the phone.
    try { localStorage.removeItem(LIST_KEY); } catch (e) { /* ignore */ }
    if (window.caches) { caches.delete(CACHE); }
    return;
  }

  function readQueue() {
    try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { return []; }
  }
  function writeQueue(q) { localStorage.setItem(QUEUE_KEY, JSON.stringify(q)); showPending(); }
  function showPending() {
    var el = document.getElementById("pending");
    var n = readQueue().length;
    el.textContent = n ? el.dataset.template.replace("%s", digits(n)) : "";
    el.dataset.count = String(n);
  }
  function setNet(online) {
    var el = document.getElementById("net-status");
    el.textContent = online ? el.dataset.online : el.dataset.offline;
    el.className = online ? "net" : "net offline";
    root.dataset.online = online ? "1" : "0";
  }
  function uid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function norm(s) { return (s || "").toLowerCase(); }

  function setEntries(data) {
    var pending = {};
    readQueue().forEach(function (m) { pending[m.person] = m; });
    entries = data;
    byRef = {};
    var units = {};
    entries.forEach(function (e) {
      if (pending[e.ref]) { e.result = pending[e.ref].result; e.pending = true; }
      byRef[e.ref] = e;
      if (e.unit) { units[e.unit] = true; }
    });
    if (unitSelect && unitSelect.options.length <= 1) {
      Object.keys(units).sort().forEach(function (u) {
        var o = document.createElement("option");
        o.value = u; o.textContent = u; unitSelect.appendChild(o);
      });
    }
    render();
  }

  function loadEntries() {
    return fetch(root.dataset.entries, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        try { localStorage.setItem(LIST_KEY, JSON.stringify(data.entries)); } catch (e) { /* full */ }
        setEntries(data.entries);
      })
      .catch(function () {
        var saved = localStorage.getItem(LIST_KEY);
        if (saved && !entries.length) { setEntries(JSON.parse(saved)); }
        if (!entries.length) { setTimeout(loadEntries, 2000); }  // the server was busy: try again
      });
  }

  function render() {
    if (!list) { return; }
    var q = norm(search && search.value).trim();
    var unit = unitSelect ? unitSelect.value : "";
    var only = onlyUnchecked && onlyUnchecked.checked;
    var shown = 0;
    var frag = document.createDocumentFragment();
    for (var i = 0; i < entries.length && shown < 60; i++) {
      var e = entries[i];
      if (unit && e.unit !== unit) { continue; }
      if (only && e.result !== "NOT_YET_CHECKED" && e.result !== "NOT_FOUND" && e.result !== "MISSING") { continue; }
      if (q && norm(e.ref).indexOf(q) < 0 && norm(e.name).indexOf(q) < 0 && norm(e.orig).indexOf(q) < 0) { continue; }
      shown++;
      var li = document.createElement("li");
      li.dataset.ref = e.ref;
      li.className = "rc-person result-" + e.result + (e.pending ? " pending" : "");
      var head = document.createElement("p");
      head.className = "who";
      head.textContent = e.ref + " · " + e.name + (e.orig ? " · " + e.orig : "") + (e.unit ? " · " + e.unit : "");
      var state = document.createElement("span");
      state.className = "state";
      state.textContent = labels[e.result] || e.result;
      head.appendChild(document.createTextNode(" — "));
      head.appendChild(state);
      li.appendChild(head);
      var buttons = buttonsTemplate.content.cloneNode(true);
      li.appendChild(buttons);
      frag.appendChild(li);
    }
    list.textContent = "";
    list.appendChild(frag);
  }

  function mark(ref, result) {
    var e = byRef[ref];
    if (!e) { return; }
    var q = readQueue();
    q.push({ person: ref, result: result, marked_at: new Date().toISOString(), client_id: uid() });
    writeQueue(q);
    e.result = result; e.pending = true;
    render();
    flush();
  }

  function showConflict(text) {
    var box = document.getElementById("conflicts");
    var li = document.createElement("li");
    li.textContent = text;
    document.getElementById("conflict-list").appendChild(li);
    box.hidden = false;
  }

  // The tallies in the user's digits: the page gives its ten digits (data-digits).
  function digits(n) {
    var live = document.querySelector(".live");
    var ten = (live && live.dataset.digits) || "0123456789";
    return String(n).replace(/[0-9]/g, function (d) { return ten.charAt(+d); });
  }

  function updateCounts(c) {
    document.getElementById("count-accounted").textContent = digits(c.accounted);
    document.getElementById("count-unaccounted").textContent = digits(c.unaccounted);
    document.getElementById("count-total").textContent = digits(c.total);
  }

  function flush() {
    if (flushing || stopped) { return; }
    var q = readQueue();
    if (!q.length) { return; }
    var batch = q.slice(0, 200);
    flushing = true;
    fetch(root.dataset.marks, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf },
      body: JSON.stringify({ marks: batch })
    }).then(function (r) {
      return r.json().then(function (body) { return { status: r.status, body: body }; });
    }).then(function (res) {
      flushing = false;
      setNet(true);
      if (res.status !== 200) {
        stopped = true;  // e.g. the roll call was closed: keep the marks, say why
        showConflict((res.body && res.body.detail) || ("HTTP " + res.status));
        return;
      }
      var done = {};
      res.body.results.forEach(function (r) {
        done[r.client_id] = true;
        var e = byRef[r.person];
        if (r.status === "conflict") {
          showConflict(r.person + ": " + (labels[r.mine] || r.mine) + " ≠ " + (labels[r.stored.result] || r.stored.result) +
            " (" + (r.stored.marked_by || "?") + ", " + r.stored.marked_at + ")");
          if (e) { e.result = r.stored.result; }
        } else if (r.status === "rejected") {
          showConflict(r.person + ": " + r.reason);
        }
      });
      var rest = readQueue().filter(function (m) { return !done[m.client_id]; });
      writeQueue(rest);
      var still = {};
      rest.forEach(function (m) { still[m.person] = true; });
      entries.forEach(function (e) { if (e.pending && !still[e.ref]) { e.pending = false; } });
      render();
      if (rest.length) { flush(); } else { countsSoon(); }
    }).catch(function () {
      flushing = false;
      setNet(false);
    });
  }

  // The marks' answer carries no counts: once the queue is sent, the counts are read once,
  // soon (one read for the batches of the next moment), besides the poll every 3 s.
  var countsTimer = null;
  function countsSoon() {
    if (countsTimer) { return; }
    countsTimer = setTimeout(function () { countsTimer = null; pollCounts(); }, 300);
  }

  function pollCounts() {
    fetch(root.dataset.counts, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (c) { setNet(true); updateCounts(c); flush(); })
      .catch(function () { setNet(false); });
  }

  if (list) {
    list.textContent = list.dataset.loading;
    list.addEventListener("click", function (ev) {
      var b = ev.target.closest("button[data-result]");
      if (!b) { return; }
      mark(b.closest("li").dataset.ref, b.dataset.result);
    });
  }
  // Typing re-renders on "input" only: a "change" fired when the search box loses focus
  // would rebuild the list under the finger and swallow the tap on a result button.
  if (search) { search.addEventListener("input", render); }
  [unitSelect, onlyUnchecked].forEach(function (el) { if (el) { el.addEventListener("change", render); } });
  window.addEventListener("online", function () { setNet(true); flush(); });
  window.addEventListener("offline", function () { setNet(false); });
  setNet(navigator.onLine !== false);
  showPending();
  loadEntries().then(flush);
  setInterval(pollCounts, 3000);
  setInterval(flush, 5000);
  setInterval(function () { if (!readQueue().length) { loadEntries(); } }, 60000);

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(root.dataset.sw, { scope: root.dataset.sw.replace(/sw\.js$/, "") })
      .then(function () {
        if (!window.caches) { return; }
        var urls = [location.pathname, root.dataset.entries].concat(root.dataset.static.split(" "));
        return caches.open(CACHE).then(function (c) { return c.addAll(urls); });
      })
      .then(function () { root.dataset.offlineReady = "1"; })
      .catch(function () { /* the local queue still works without the worker */ });
  }
})();
