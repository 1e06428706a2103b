'use strict';
(() => {
  // The page's own words; the conversation itself comes translated from the server.
  const T = {
    en: {label: 'Your message', send: 'Send', consents: 'My consents (JSON)', you: 'You:',
      options: 'Options', net: 'Connection problem — retrying', again: 'Start again',
      failed: 'The message was not sent. Please try again.', long: 'This message is too long.'},
    de: {label: 'Ihre Nachricht', send: 'Senden', consents: 'Meine Einwilligungen (JSON)',
      you: 'Sie:', options: 'Auswahl', net: 'Verbindungsproblem – neuer Versuch läuft',
      again: 'Neu beginnen', failed: 'Die Nachricht wurde nicht gesendet. Bitte noch einmal.',
      long: 'Diese Nachricht ist zu lang.'},
  };
  const KEY = 'lotse.session', API = '/chat/api/sessions', RTL = /^(ar|fa|ps|ckb)$/;
  const FAST = 400, SLOW = 4000, FAST_FOR = 6000;
  const $ = (id) => document.getElementById(id);
  const log = $('log'), main = log.parentNode, form = $('form'), input = $('text');
  const go = $('go'), status = $('status'), dl = $('consents'), html = document.documentElement;
  const query = new URLSearchParams(location.search);
  const hint = /^[a-z]{2,3}$/.test(query.get('lang') || '') ? query.get('lang') : '';
  let lang = hint || (navigator.language || 'en').split('-')[0].toLowerCase();
  let session = '', after = '0', timer = 0, polling = false, again = false, fastUntil = 0;
  let ended = false, starting = null, choiceBox = null, wantFocus = false, said = '';

  const s = (k) => (T[lang] || T.en)[k];
  const wait = (ms) => new Promise((r) => setTimeout(r, ms));
  const el = (tag, cls) => { const e = document.createElement(tag); e.className = cls || ''; return e; };
  const rid = () => Array.from(crypto.getRandomValues(new Uint8Array(12)),
    (b) => b.toString(16).padStart(2, '0')).join('');
  const store = (v) => {
    try { if (v) localStorage.setItem(KEY, v); else localStorage.removeItem(KEY); } catch (e) { /* off */ }
  };

  function say(k) { said = k; status.textContent = k ? s(k) : ''; }
  function chrome() {
    $('label').textContent = input.placeholder = s('label');
    go.setAttribute('aria-label', s('send'));
    $('consents-text').textContent = s('consents');
    if (choiceBox) choiceBox.setAttribute('aria-label', s('options'));
    if (said) say(said);
  }
  function setLang(l, dir) { lang = l; html.lang = l; html.dir = dir; chrome(); }

  async function api(method, path, body) {
    const opt = {method, headers: {Accept: 'application/json'}, cache: 'no-store'};
    if (body) { opt.headers['Content-Type'] = 'application/json'; opt.body = JSON.stringify(body); }
    const r = await fetch(API + path, opt);
    if (r.status >= 500) throw new Error('server ' + r.status);
    let data = {};
    try { data = await r.json(); } catch (e) { /* no body */ }
    return {status: r.status, data};
  }

  function begin(token) {
    session = token; store(token); after = '0'; ended = false;
    dl.href = `${API}/${token}/consents`; dl.hidden = false;
    input.disabled = go.disabled = false;
    fastUntil = Date.now() + FAST_FOR; poll();
  }

  function start() {
    starting = starting || (async () => {
      const body = {};
      if (hint) body.language = hint;
      // Sent as soon as the server knows it; until then it says 400 and we go on without.
      if (query.get('code')) body.code = query.get('code');
      for (;;) {
        let r;
        try { r = await api('POST', '', body); } catch (e) { say('net'); await wait(3000); continue; }
        if (r.status === 201) { if (said === 'net') say(''); return begin(r.data.session); }
        if (r.status === 400 && body.code) delete body.code;
        else if (r.status === 400 && body.language) delete body.language;
        else { say('net'); await wait(5000); }
      }
    })().finally(() => { starting = null; });
    return starting;
  }

  function restart() {
    store(''); session = ''; after = '0'; choiceBox = null; log.textContent = '';
    dl.hidden = true; clearTimeout(timer);
    return start();
  }

  async function fetchNew() {
    const token = session;
    const r = await api('GET', `/${token}/messages?after=${after}`);
    if (token !== session) return;
    if (r.status === 404) { restart(); return; }
    if (r.status === 200) { if (said === 'net') say(''); show(r.data.messages || []); }
  }

  async function poll() {
    clearTimeout(timer); timer = 0;
    if (!session || document.hidden) return;
    if (polling) { again = true; return; }
    polling = true;
    let delay = Date.now() < fastUntil ? FAST : SLOW;
    try { await fetchNew(); } catch (e) { say('net'); delay = SLOW; }
    polling = false;
    if (again) { again = false; delay = 0; }
    if (session && !ended && !document.hidden) timer = setTimeout(poll, delay);
  }

  function bubble(m) {
    const b = el('div', 'msg ' + (m.from === 'bot' ? 'bot' : 'person'));
    b.lang = m.lang; b.dir = m.dir;
    if (m.from !== 'bot') {
      const who = el('span', 'sr'); who.lang = lang; who.textContent = s('you') + ' ';
      b.appendChild(who);
    }
    for (const para of String(m.text).split(/\n\s*\n/)) {
      const p = el('p');
      para.split('\n').forEach((line, i) => {
        if (i) p.appendChild(el('br'));
        p.appendChild(document.createTextNode(line));
      });
      b.appendChild(p);
    }
    return b;
  }

  function show(list) {
    if (!list.length) return;
    const a = document.activeElement;
    const focusChoice = wantFocus || !a || a === document.body || (choiceBox && choiceBox.contains(a));
    const initial = after === '0';
    let first = null, last = null, newest = null;
    for (const m of list) {
      if (+m.id <= +after) continue; // a second fetch raced this one
      after = m.id;
      if (m.from !== 'bot') log.querySelectorAll('.pending').forEach((p) => p.remove());
      const b = bubble(m);
      log.appendChild(b);
      if (m.from === 'bot') { first = first || b; last = b; newest = m; }
    }
    if (newest) {
      setLang(newest.lang, newest.dir);
      offer(newest.choices || [], last, focusChoice);
      if (!choiceBox) probe();
    }
    const target = initial ? last : first;
    if (target) main.scrollTop += target.getBoundingClientRect().top - main.getBoundingClientRect().top - 8;
    else main.scrollTop = main.scrollHeight;
  }

  function offer(choices, anchor, focus) {
    if (choiceBox) choiceBox.remove();
    choiceBox = null; wantFocus = false;
    if (!choices.length) return;
    const box = el('div', 'choices');
    box.setAttribute('role', 'group'); box.setAttribute('aria-label', s('options'));
    box.lang = anchor.lang; box.dir = anchor.dir;
    for (const c of choices) {
      const b = el('button');
      b.type = 'button'; b.dataset.choice = c.id; b.textContent = c.label;
      b.addEventListener('click', () => choose(c.id, box));
      box.appendChild(b);
    }
    anchor.after(box);
    choiceBox = box;
    if (focus) box.firstChild.focus({preventScroll: true});
  }

  async function choose(id, box) {
    const buttons = box.querySelectorAll('button');
    buttons.forEach((b) => { b.disabled = true; });
    wantFocus = true;
    if (!(await send({choice: id, id: rid()})) && box === choiceBox) {
      buttons.forEach((b) => { b.disabled = false; });
      wantFocus = false; box.firstChild.focus();
    }
  }

  // A message without choices may be the goodbye after "delete my data": ask.
  async function probe() {
    try {
      const r = await fetch(`${API}/${session}/consents`, {method: 'HEAD', cache: 'no-store'});
      if (r.status === 410) end();
    } catch (e) { /* the next poll will tell */ }
  }

  async function send(body) {
    const token = session, path = `/${token}/messages`;
    if (!token || ended) return false;
    if (said !== 'net') say('');
    let r;
    try { r = await api('POST', path, body); } catch (e) {
      say('net');
      await wait(1000);
      try { r = await api('POST', path, body); } catch (e2) { say('failed'); return false; }
    }
    if (token !== session) return false;
    if (r.status === 202) { if (said === 'net') say(''); fastUntil = Date.now() + FAST_FOR; poll(); return true; }
    if (r.status === 404) restart();
    else if (r.status === 410) end();
    else {
      say(r.status === 413 ? 'long' : 'failed');
      if (r.data.error === 'choice_not_offered') poll();
    }
    return false;
  }

  async function end() {
    if (ended) return;
    ended = true; dl.hidden = true; input.disabled = go.disabled = true;
    clearTimeout(timer);
    try { await fetchNew(); } catch (e) { /* shown what we have */ }
    if (choiceBox) choiceBox.remove();
    const box = choiceBox = el('div', 'choices'), b = el('button');
    b.type = 'button'; b.id = 'restart'; b.textContent = s('again');
    b.addEventListener('click', () => { input.disabled = go.disabled = false; restart(); });
    box.appendChild(b); log.appendChild(box);
    b.focus({preventScroll: true});
    main.scrollTop = main.scrollHeight;
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text || !session || ended) return;
    input.value = '';
    const p = bubble({from: 'person', text, lang, dir: html.dir});
    p.classList.add('pending');
    log.appendChild(p);
    main.scrollTop = main.scrollHeight;
    if (!(await send({text, id: rid()}))) { p.remove(); if (!input.value) input.value = text; }
  });

  document.addEventListener('visibilitychange', () => {
    if (document.hidden) { clearTimeout(timer); timer = 0; } else if (!ended) poll();
  });

  setLang(lang, RTL.test(lang) ? 'rtl' : 'ltr');
  let saved = '';
  try { saved = localStorage.getItem(KEY) || ''; } catch (e) { /* off */ }
  if (saved) begin(saved); else start();
})();
