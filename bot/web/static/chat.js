'use strict';
(() => {
// The page's own words; the conversation comes translated from the server.
const T = {
  en: {label: 'Your message', send: 'Send', consents: 'My consents (JSON)', you: 'You:',
    options: 'Options', net: 'Connection problem — retrying', again: 'Start again',
    failed: 'The message was not sent. Please try again.', long: 'This message is too long.'},
  de: {label: 'Ihre Nachricht', send: 'Senden', consents: 'Meine Einwilligungen (JSON)',
    you: 'Sie:', options: 'Auswahl', net: 'Verbindungsproblem – neuer Versuch läuft',
    again: 'Neu beginnen', failed: 'Die Nachricht wurde nicht gesendet. Bitte noch einmal.',
    long: 'Diese Nachricht ist zu lang.'},
};
const KEY = 'lotse.session', API = '/chat/api/sessions', FAST = 400, SLOW = 4000;
const $ = id => document.getElementById(id), html = document.documentElement;
const log = $('log'), main = log.parentNode, form = $('form'), input = $('text');
const go = $('go'), status = $('status'), dl = $('consents');
const query = new URLSearchParams(location.search);
const hint = /^[a-z]{2,3}$/.test(query.get('lang') || '') ? query.get('lang') : '';
let lang = hint || (navigator.language || 'en').split('-')[0].toLowerCase();
// An invitation's link token (/chat?t=…, from a QR code or a message) or, in letters
// printed before tokens, its connect code (/chat?code=…): used once, then dropped from
// the address.
const token = /^[A-Za-z0-9_-]{32}$/.test(query.get('t') || '') ? query.get('t') : '';
const code = /^[A-Za-z0-9-]{4,32}$/.test(query.get('code') || '') ? query.get('code') : '';
if (code || token) history.replaceState(null, '', location.pathname + (hint ? `?lang=${hint}` : ''));
let session = '', after = '0', timer = 0, polling = false, again = false, fastUntil = 0;
let ended = false, starting = null, choiceBox = null, wantFocus = false, said = '';

const s = k => (T[lang] || T.en)[k];
const wait = ms => new Promise(r => setTimeout(r, ms));
const el = (tag, cls) => { const e = document.createElement(tag); e.className = cls || ''; return e; };
const rid = () => crypto.getRandomValues(new Uint32Array(4)).join('-');
const store = v => { try { if (v) localStorage.setItem(KEY, v); else localStorage.removeItem(KEY); } catch (e) {} };
const bottom = () => { main.scrollTop = main.scrollHeight; };
const fast = () => { fastUntil = Date.now() + 6000; };

function say(k) { said = k; status.textContent = k ? s(k) : ''; }
function calm() { if (said === 'net') say(''); }
function setLang(l, dir) {
  lang = html.lang = l; html.dir = dir;
  $('label').textContent = input.placeholder = s('label');
  go.setAttribute('aria-label', s('send'));
  $('consents-text').textContent = s('consents');
  if (choiceBox) choiceBox.setAttribute('aria-label', s('options'));
  // The screen-reader label of the person's own messages follows the page language.
  log.querySelectorAll('.msg.person .sr').forEach(w => { w.lang = l; w.textContent = s('you') + ' '; });
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
  store(''); session = ''; choiceBox = null; log.textContent = '';
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
  b.lang = m.lang; b.dir = m.dir;
  if (m.from !== 'bot') {
    const who = b.appendChild(el('span', 'sr'));
    who.lang = lang; who.textContent = s('you') + ' ';
  }
  for (const para of String(m.text).split(/\n\s*\n/)) {
    const p = b.appendChild(el('p'));
    para.split('\n').forEach((line, i) => {
      if (i) p.appendChild(el('br'));
      p.appendChild(document.createTextNode(line));
    });
  }
  return b;
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
  // Show new text from its start; after a reload, from the newest message.
  const top = (initial ? last : first).getBoundingClientRect().top;
  main.scrollTop += top - main.getBoundingClientRect().top - 8;
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
    b.addEventListener('click', () => choose(c.id, box));
  }
  anchor.after(box);
  if (focus) box.firstChild.focus({preventScroll: true});
}

async function choose(id, box) {
  const buttons = box.querySelectorAll('button'), able = on => buttons.forEach(b => { b.disabled = !on; });
  able(false); wantFocus = true;
  if (!(await send({choice: id, id: rid()})) && box === choiceBox) {
    able(true); wantFocus = false; box.firstChild.focus();
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
  const p = log.appendChild(bubble({from: 'person', text, lang, dir: html.dir}));
  p.classList.add('pending');
  bottom();
  if (!(await send({text, id: rid()}))) { p.remove(); if (!input.value) input.value = text; }
});

document.addEventListener('visibilitychange', () => {
  if (document.hidden) clearTimeout(timer); else if (!ended) poll();
});

setLang(lang, /^(ar|fa|ps|ckb)$/.test(lang) ? 'rtl' : 'ltr');
// The frame's words in all languages, from the server's catalogs (built-in en/de until then).
fetch('/chat/ui.json').then(r => r.ok && r.json()).then(all => {
  if (all) { Object.assign(T, all); setLang(lang, html.dir); }
}).catch(() => {});
let saved = '';
try { saved = localStorage.getItem(KEY) || ''; } catch (e) {}
// A code or link starts a new conversation: it belongs to the person holding the letter.
if (saved && !code && !token) begin(saved); else start();
})();
