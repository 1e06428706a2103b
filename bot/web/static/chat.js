'use strict';
(() => {
const KEY = 'lotse.session', API = '/chat/api/sessions', FAST = 400, SLOW = 4000;
// The conversation's language, for the next page load (the server renders the page in it).
const COOKIE = 'lotse-lang', KEEP = 90 * 24 * 3600;
const $ = id => document.getElementById(id), html = document.documentElement;
const log = $('log'), scroller = $('scroll'), form = $('form'), input = $('text');
const go = $('go'), status = $('status'), dl = $('consents'), a11y = $('a11y');
const query = new URLSearchParams(location.search);
const hint = /^[a-z]{2,3}$/.test(query.get('lang') || '') ? query.get('lang') : '';
// The page's own words come with the page in its language; the others from /chat/ui.json
// when the conversation changes language. The conversation comes translated.
let lang = html.lang;
const T = {[lang]: JSON.parse($('strings').textContent)};
let loading = null, wanted = lang;
// An invitation's link token (/chat?t=…, from a QR code or a message) or, in letters
// printed before tokens, its connect code (/chat?code=…): used once, then dropped from
// the address.
const token = /^[A-Za-z0-9_-]{32}$/.test(query.get('t') || '') ? query.get('t') : '';
const code = /^[A-Za-z0-9-]{4,32}$/.test(query.get('code') || '') ? query.get('code') : '';
if (code || token) history.replaceState(null, '', location.pathname + (hint ? `?lang=${hint}` : ''));
let session = '', after = '0', timer = 0, polling = false, again = false, fastUntil = 0;
let ended = false, starting = null, choiceBox = null, wantFocus = false, said = '';

const s = k => T[lang][k];
const wait = ms => new Promise(r => setTimeout(r, ms));
const el = (tag, cls) => { const e = document.createElement(tag); e.className = cls || ''; return e; };
const rid = () => crypto.getRandomValues(new Uint32Array(4)).join('-');
const store = v => { try { if (v) localStorage.setItem(KEY, v); else localStorage.removeItem(KEY); } catch (e) {} };
const fast = () => { fastUntil = Date.now() + 6000; };
// Below a small height (400 % zoom) the whole page scrolls, not only the conversation.
const pane = () => getComputedStyle(scroller).overflowY === 'auto' ? scroller : document.scrollingElement;
const bottom = () => { const p = pane(); p.scrollTop = p.scrollHeight; };

function say(k) { said = k; status.textContent = k ? s(k) : ''; }
function calm() { if (said === 'net') say(''); }
function keep(l) {
  const secure = location.protocol === 'https:' ? '; secure' : '';
  document.cookie = `${COOKIE}=${l}; path=/chat; samesite=lax; max-age=${l ? KEEP : 0}${secure}`;
}

// The frame follows the conversation's language (its words loaded once if need be).
function setLang(l, dir) {
  wanted = l; keep(l);
  if (l === lang && dir === html.dir) return;
  if (T[l]) return apply(l, dir);
  loading = loading || fetch('/chat/ui.json').then(r => r.ok && r.json())
    .then(all => { if (all) Object.assign(T, all); }).catch(() => {}).finally(() => { loading = null; });
  loading.then(() => { if (wanted === l && T[l]) apply(l, dir); });
}

function apply(l, dir) {
  lang = html.lang = l; html.dir = dir;
  $('label').textContent = input.placeholder = s('label');
  go.setAttribute('aria-label', s('send'));
  $('consents-text').textContent = s('consents');
  a11y.textContent = s('a11y');
  a11y.href = `/accessibility?lang=${encodeURIComponent(l)}`;
  if (choiceBox) choiceBox.setAttribute('aria-label', s('options'));
  // The screen-reader label of the person's own messages follows the page language.
  log.querySelectorAll('.msg.person .sr').forEach(w => { w.lang = l; w.dir = dir; w.textContent = s('you') + ' '; });
  if (said) say(said);
}

async function api(method, path, body) {
  const opt = {method, headers: {Accept: 'application/json'}, cache: 'no-store'};
  if (body) { opt.headers['Content-Type'] = 'application/json'; opt.body = JSON.stringify(body); }
  const r = await fetch(API + path, opt);
  if (r.status >= 500) throw new Error(r.status);
  return {status: r.status, data: await r.json().catch(() => ({}))};
}

function begin(token) {
  session = token; store(token); after = '0'; ended = false;
  dl.href = `${API}/${token}/consents`; dl.hidden = false;
  input.disabled = go.disabled = false;
  fast(); poll();
}

function start() {
  return starting = starting || (async () => {
    const body = {};
    if (hint) body.language = hint;
    if (token) body.token = token; else if (code) body.code = code;
    for (;;) {
      let pause = 4000;
      try {
        const r = await api('POST', '', body);
        if (r.status === 201) { calm(); return begin(r.data.session); }
        if (r.status === 400 && body.language) { delete body.language; continue; }
        if (r.status === 400 && (body.code || body.token)) {
          delete body.code; delete body.token; continue;
        }
        if (r.status === 429) pause = 60000;  // too many new sessions from this address
      } catch (e) {}
      say('net'); await wait(pause);
    }
  })().finally(() => { starting = null; });
}

function restart() {
  store(''); keep(''); session = ''; choiceBox = null; log.textContent = '';
  dl.hidden = true; clearTimeout(timer);
  return start();
}

async function fetchNew() {
  const token = session, r = await api('GET', `/${token}/messages?after=${after}`);
  if (token !== session) return;
  if (r.status === 404) restart();
  else if (r.status === 200) { calm(); show(r.data.messages || []); if (r.data.ended) end(); }
}

async function poll() {
  clearTimeout(timer);
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
  // What the person typed has no known language (lang=""); its characters set its direction.
  b.lang = m.from === 'bot' ? m.lang : ''; b.dir = m.from === 'bot' ? m.dir : 'auto';
  if (m.from !== 'bot') {
    const who = b.appendChild(el('span', 'sr'));
    who.lang = lang; who.dir = html.dir; who.textContent = s('you') + ' ';
  }
  if (m.lines) lines(b, m.lines); else paragraphs(b, String(m.text));
  if (m.documents && m.documents.length) files(b, m.documents);
  return b;
}

// Files the message carries (the export of the person's data): links that work only
// with this session, so the page builds nothing and only shows what the API gave.
function files(b, list) {
  const ul = b.appendChild(el('ul', 'files'));
  for (const f of list) {
    const a = ul.appendChild(el('li')).appendChild(el('a'));
    a.href = f.href; a.textContent = f.label; a.type = f.type; a.download = f.name;
  }
}

function paragraphs(b, text) {
  for (const para of text.split(/\n\s*\n/)) {
    const p = b.appendChild(el('p'));
    para.split('\n').forEach((line, i) => {
      if (i) p.appendChild(el('br'));
      p.appendChild(document.createTextNode(line));
    });
  }
}

// A text in several languages (the language menu): each line its own language and direction.
function lines(b, list) {
  let p = null;
  for (const line of list) {
    if (!line.text.trim()) { p = null; continue; }
    p = p || b.appendChild(el('p'));
    const d = p.appendChild(el('span', 'line'));
    if (line.lang) { d.lang = line.lang; d.dir = line.dir; }
    d.textContent = line.text;
  }
}

function show(list) {
  const a = document.activeElement, initial = after === '0';
  const focus = wantFocus || !a || a === document.body || (choiceBox && choiceBox.contains(a));
  let first = null, last = null, newest = null;
  // The page takes the newest bot message's language before anything is drawn, so a
  // batch after a reload labels the person's messages like one message at a time does.
  const lead = list.filter(m => m.from === 'bot' && +m.id > +after).pop();
  if (lead) setLang(lead.lang, lead.dir);
  for (const m of list) {
    if (+m.id <= +after) continue; // a second fetch raced this one
    after = m.id;
    if (m.from !== 'bot') log.querySelectorAll('.pending').forEach(p => p.remove());
    const b = log.appendChild(bubble(m));
    if (m.from === 'bot') { first = first || b; last = b; newest = m; }
  }
  if (!newest) return list.length && bottom();
  offer(newest.choices || [], last, focus);
  // Show new text from its start (after a reload, from the newest message), unless that
  // would hide the focused element: focus is never left out of sight (WCAG 2.4.11).
  reveal(initial ? last : first, document.activeElement);
}

// One scroll: `start` at the top of the visible area, as far as `focused` stays fully in it.
function reveal(start, focused) {
  const p = pane(), doc = p === document.scrollingElement, pad = 8;
  const view = doc ? {top: 0, bottom: innerHeight} : p.getBoundingClientRect();
  let d = start ? start.getBoundingClientRect().top - view.top - pad : 0;
  // Only what scrolls with the conversation: in the fixed layout the form is always in view.
  if (focused && focused !== document.body && focused !== html && p.contains(focused)) {
    const k = focused.getBoundingClientRect();
    if (k.bottom - d + pad > view.bottom) d = k.bottom + pad - view.bottom;
    if (k.top - d - pad < view.top) d = k.top - pad - view.top;
  }
  if (d) p.scrollTop += d;
}

function offer(choices, anchor, focus) {
  if (choiceBox) choiceBox.remove();
  choiceBox = null; wantFocus = false;
  if (!choices.length) return;
  const box = choiceBox = el('div', 'choices');
  box.setAttribute('role', 'group'); box.setAttribute('aria-label', s('options'));
  box.lang = anchor.lang; box.dir = anchor.dir;
  for (const c of choices) {
    const b = box.appendChild(el('button'));
    b.type = 'button'; b.dataset.choice = c.id; b.textContent = c.label;
    if (c.lang) { b.lang = c.lang; b.dir = c.dir; }  // a language's name in that language
    b.addEventListener('click', () => choose(c.id, box));
  }
  anchor.after(box);
  if (focus) box.firstChild.focus({preventScroll: true});
}

async function choose(id, box) {
  const buttons = box.querySelectorAll('button'), able = on => buttons.forEach(b => { b.disabled = !on; });
  able(false); wantFocus = true;
  if (!(await send({choice: id, id: rid()})) && box === choiceBox) {
    able(true); wantFocus = false; box.firstChild.focus({preventScroll: true});
    reveal(null, box.firstChild);
  }
}

async function send(body) {
  const token = session, path = `/${token}/messages`;
  if (!token || ended) return false;
  if (said !== 'net') say('');
  let r;
  try { r = await api('POST', path, body); } catch (e) {
    say('net'); await wait(1000);
    // The same id again: the server drops it if the first one did arrive.
    try { r = await api('POST', path, body); } catch (e2) { say('failed'); return false; }
  }
  if (token !== session) return false;
  if (r.status === 202) { calm(); fast(); poll(); return true; }
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
  try { await fetchNew(); } catch (e) {}
  if (choiceBox) choiceBox.remove();
  const b = (choiceBox = log.appendChild(el('div', 'choices'))).appendChild(el('button'));
  b.type = 'button'; b.id = 'restart'; b.textContent = s('again');
  b.addEventListener('click', restart);
  b.focus({preventScroll: true});
  bottom();
}

form.addEventListener('submit', async e => {
  e.preventDefault();
  const text = input.value.trim();
  if (!text || !session || ended) return;
  input.value = '';
  const p = log.appendChild(bubble({from: 'person', text}));
  p.classList.add('pending');
  bottom();
  if (!(await send({text, id: rid()}))) { p.remove(); if (!input.value) input.value = text; }
});

document.addEventListener('visibilitychange', () => {
  if (document.hidden) clearTimeout(timer); else if (!ended) poll();
});

form.hidden = false;  // without the script the form could not work: the page says so
let saved = '';
try { saved = localStorage.getItem(KEY) || ''; } catch (e) {}
// A code or link starts a new conversation: it belongs to the person holding the letter.
if (saved && !code && !token) begin(saved); else start();
})();
