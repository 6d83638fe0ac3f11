import { createHash } from 'node:crypto';

/**
 * GET /ops: the operator page, one self-contained document (the machine may be
 * offline: no CDN, no external asset). It holds no secret: it asks for the admin token,
 * keeps it in sessionStorage, and reads GET /v1/ops/events with fetch() and a stream
 * reader so the token travels in the Authorization header, never in a URL (an
 * EventSource cannot send headers). Everything shown is set with textContent.
 */
const STYLE = `
*{box-sizing:border-box}body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
header{display:flex;gap:12px;align-items:center;padding:10px 16px;background:#1d2330;color:#fff}
header h1{font-size:16px;margin:0;flex:1}#conn{padding:2px 8px;border-radius:10px;background:#666}
#conn.live{background:#2e7d32}#conn.down{background:#c62828}
main{padding:12px 16px;display:grid;gap:16px}section{background:#fff;border-radius:6px;padding:10px 14px;box-shadow:0 1px 2px #0002}
h2{font-size:15px;margin:0 0 8px}h3{font-size:14px;margin:6px 0}
table{border-collapse:collapse;width:100%;margin-bottom:6px}th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #e3e5ea;font-variant-numeric:tabular-nums}
th{font-weight:600;color:#555}.num{text-align:right}.muted{color:#777}
.card{border:1px solid #e3e5ea;border-radius:6px;padding:8px 10px;margin-bottom:10px}
.facts{display:flex;flex-wrap:wrap;gap:14px;margin-bottom:6px}.facts b{font-weight:600}
.stuck td{background:#ffebee}.badge{padding:1px 8px;border-radius:10px;color:#fff;background:#2e7d32}.badge.bad{background:#c62828}
#login{max-width:420px;margin:60px auto;background:#fff;padding:20px;border-radius:6px;box-shadow:0 1px 3px #0003}
#login input{width:100%;padding:6px;margin:8px 0}#problems{color:#c62828}[hidden]{display:none!important}
`;

const SCRIPT = `
'use strict';
const KEY = 'bitcraps-admin-token';
const $ = (id) => document.getElementById(id);
let last = null, offset = 0, aborter = null, retryMs = 1000, watchdog = null;

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k === 'class') e.className = v; else e.setAttribute(k, String(v));
  }
  for (const k of kids) e.append(k instanceof Node ? k : document.createTextNode(k === null || k === undefined ? '' : String(k)));
  return e;
}
const short = (id) => (id ? el('span', { title: id }, id.slice(0, 10)) : el('span', { class: 'muted' }, '-'));
const fact = (name, field, value) => el('span', {}, name + ': ', el('b', { 'data-field': field }, value === null || value === undefined ? '-' : value));
// a heading ending in '#' is a number column (right-aligned)
function grid(head, rows) {
  const th = (h) => (h.endsWith('#') ? el('th', { class: 'num' }, h.slice(0, -1)) : el('th', {}, h));
  return el('table', {}, el('thead', {}, el('tr', {}, ...head.map(th))), el('tbody', {}, ...rows));
}
function ago(ms) { const s = Math.round(ms / 1000); return s < 60 ? s + ' s' : Math.floor(s / 60) + ' min ' + (s % 60) + ' s'; }

function renderTables(tables) {
  const box = $('tables');
  box.replaceChildren();
  if (!tables.length) box.append(el('p', { class: 'muted' }, 'no open tables'));
  for (const t of tables) {
    const betsOf = (p) => t.bets.filter((b) => b.playerId === p).reduce((s, b) => s + b.amount, 0);
    const players = t.players.map((p) => el('tr', { 'data-player-id': p.playerId },
      el('td', {}, short(p.playerId), p.playerId === t.shooter ? el('span', { class: 'muted' }, ' (shooter)') : ''),
      el('td', { class: 'num', 'data-field': 'stack' }, p.stack),
      el('td', { class: 'num', 'data-field': 'on-layout' }, betsOf(p.playerId))));
    const bets = t.bets.map((b) => el('tr', { 'data-bet-id': b.betId },
      el('td', {}, short(b.betId)), el('td', {}, short(b.playerId)),
      el('td', { 'data-field': 'type' }, b.type + (b.number ? ' ' + b.number : '') + (b.point ? ' (on ' + b.point + ')' : '')),
      el('td', { class: 'num', 'data-field': 'amount' }, b.amount)));
    box.append(el('div', { class: 'card', 'data-game-id': t.gameId },
      el('h3', {}, 'table ', short(t.gameId)),
      el('div', { class: 'facts' }, fact('status', 'status', t.status), fact('phase', 'phase', t.phase), fact('point', 'point', t.point),
        el('span', {}, 'shooter: ', el('b', { 'data-field': 'shooter', 'data-value': t.shooter || '' }, t.shooter ? t.shooter.slice(0, 10) : '-')),
        fact('rolls', 'rolls', t.rollCount), t.suspension ? fact('suspended', 'suspension', t.suspension.reason) : ''),
      players.length ? grid(['player', 'stack#', 'on layout#'], players) : el('p', { class: 'muted' }, 'no players seated'),
      bets.length ? grid(['bet', 'player', 'type', 'amount#'], bets) : el('p', { class: 'muted' }, 'no bets on the layout')));
  }
}

function renderSagas() {
  if (!last) return;
  const now = Date.now() + offset;
  const rows = last.sagas.map((s) => {
    const age = Math.max(0, now - Date.parse(s.lastChangeAt));
    const stuck = s.stuck || age > last.stuckAfterMs;
    return el('tr', { 'data-saga-id': s.sagaId, class: stuck ? 'stuck' : null },
      el('td', {}, short(s.sagaId)), el('td', {}, s.type), el('td', { 'data-field': 'status' }, s.status + (stuck ? ' (stuck)' : '')),
      el('td', {}, short(s.gameId)), el('td', {}, short(s.playerId)),
      el('td', {}, s.steps.map((st) => st.name + ': ' + st.status + (st.attempts > 1 ? ' x' + st.attempts : '')).join(' \\u2192 ')),
      el('td', { class: 'num' }, ago(age)), el('td', {}, s.error ? s.error.step + ': ' + s.error.code : ''));
  });
  const box = $('sagas');
  box.replaceChildren(rows.length ? grid(['saga', 'type', 'status', 'game', 'player', 'steps (attempts)', 'unchanged for#', 'error'], rows) : el('p', { class: 'muted' }, 'no unfinished sagas'));
}

function renderAudit(a) {
  const box = $('audit');
  if (!a) { box.replaceChildren(el('p', { class: 'muted' }, 'audit unavailable')); return; }
  const keys = ['deposits', 'bankroll', 'initialBankroll', 'bankrollAdditions', 'wallets', 'stacks', 'escrow', 'inFlight', 'unfinishedSagas'];
  box.replaceChildren(
    el('p', {}, 'balanced: ', el('span', { class: a.balanced ? 'badge' : 'badge bad', 'data-field': 'balanced' }, a.balanced ? 'yes' : 'NO')),
    grid(keys.map((k) => k + '#'), [el('tr', {}, ...keys.map((k) => el('td', { class: 'num', 'data-field': k }, a[k])))]));
}

function render(snap) {
  last = snap;
  offset = Date.parse(snap.at) - Date.now();
  renderTables(snap.tables);
  renderSagas();
  renderAudit(snap.audit);
  $('problems').replaceChildren(...snap.problems.map((p) => el('li', {}, p)));
  $('problems').hidden = snap.problems.length === 0;
  $('updated').textContent = 'updated ' + new Date(snap.at).toLocaleTimeString();
  document.body.dataset.snapshotAt = snap.at;
}

function status(text, cls) { const c = $('conn'); c.textContent = text; c.className = cls || ''; }

function showLogin(message) {
  if (aborter) aborter.abort();
  $('app').hidden = true; $('login').hidden = false;
  $('login-error').textContent = message || '';
  $('token').focus();
}

async function connect() {
  const token = sessionStorage.getItem(KEY);
  if (!token) return showLogin();
  $('login').hidden = true; $('app').hidden = false;
  if (aborter) aborter.abort();
  const mine = new AbortController();
  aborter = mine;
  const kick = () => { clearTimeout(watchdog); watchdog = setTimeout(() => mine.abort(), 30000); };
  status('connecting');
  try {
    kick();
    const res = await fetch('/v1/ops/events', { headers: { authorization: 'Bearer ' + token, accept: 'text/event-stream' }, signal: mine.signal, cache: 'no-store' });
    if (res.status === 401 || res.status === 403) {
      sessionStorage.removeItem(KEY);
      clearTimeout(watchdog);
      return showLogin(res.status === 401 ? 'the token is missing' : 'not the admin token');
    }
    if (!res.ok || !res.body) throw new Error('HTTP ' + res.status);
    status('live', 'live');
    retryMs = 1000;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      kick();
      buf += decoder.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf('\\n\\n')) >= 0) {
        const frame = buf.slice(0, i); buf = buf.slice(i + 2);
        let event = 'message', data = '';
        for (const line of frame.split('\\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data += line.slice(6);
        }
        if (event === 'snapshot') render(JSON.parse(data));
      }
    }
    throw new Error('stream ended');
  } catch (err) {
    clearTimeout(watchdog);
    if (aborter !== mine) return; // replaced by a newer connection or a logout
    status('reconnecting', 'down');
    setTimeout(() => { if (aborter === mine) connect(); }, retryMs);
    retryMs = Math.min(retryMs * 2, 10000);
  }
}

$('login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const t = $('token').value.trim();
  if (!t) return;
  sessionStorage.setItem(KEY, t);
  $('token').value = '';
  connect();
});
$('logout').addEventListener('click', () => { sessionStorage.removeItem(KEY); aborter = null; showLogin(); });
setInterval(renderSagas, 1000);
connect();
`;

/** The CSP hash of the inline script: the page runs that script and nothing else. */
const scriptHash = createHash('sha256').update(SCRIPT).digest('base64');

export const OPS_PAGE_CSP = [
  "default-src 'none'",
  `script-src 'sha256-${scriptHash}'`,
  "style-src 'unsafe-inline'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const OPS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>BitCraps operations</title>
<style>${STYLE}</style>
</head>
<body>
<div id="login" hidden>
  <h2>BitCraps operations</h2>
  <p>The admin token (ADMIN_TOKEN) opens the live view. It stays in this tab (sessionStorage).</p>
  <form id="login-form">
    <input id="token" name="token" type="password" autocomplete="off" placeholder="admin token">
    <button id="login-submit" type="submit">Open</button>
  </form>
  <p id="login-error" class="muted"></p>
</div>
<div id="app" hidden>
  <header><h1>BitCraps operations</h1><span id="updated" class="muted"></span><span id="conn">connecting</span><button id="logout" type="button">Forget token</button></header>
  <main>
    <ul id="problems" hidden></ul>
    <section><h2>Audit</h2><div id="audit"></div></section>
    <section><h2>Tables</h2><div id="tables"></div></section>
    <section><h2>Running and stuck sagas</h2><div id="sagas"></div></section>
  </main>
</div>
<script>${SCRIPT}</script>
</body>
</html>
`;
