// Fills the Alerts tab's badge (how many alerts are new) on every portal
// page with the HTML the server renders for it (portal/alerts_badge).
// A plain script rather than page code: made by the WASM, the badge added
// about 12 KB gzip to the code every portal page loads. Slots come with
// the page and with each client-side navigation, so new ones are watched.
(function () {
  'use strict';
  var SLOT = '[data-alerts-badge]:not([data-asked])';

  function fill(slots) {
    slots.forEach(function (slot) { slot.setAttribute('data-asked', ''); });
    var lang = document.documentElement.lang === 'en' ? 'En' : 'Ja';
    fetch('/api/portal/alerts_badge', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'lang=' + lang,
    })
      .then(function (r) { return r.ok ? r.json() : ''; })
      .then(function (html) {
        slots.forEach(function (slot) { slot.innerHTML = typeof html === 'string' ? html : ''; });
      })
      .catch(function () { /* no badge: the tab still works */ });
  }

  function look() {
    var slots = Array.prototype.slice.call(document.querySelectorAll(SLOT));
    if (slots.length) fill(slots);
  }

  function start() {
    look();
    new MutationObserver(look).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
