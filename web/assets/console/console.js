// The console's entry: sign-in, the header, and the hash router (#/lists,
// #/lists/{name}?status=hard, #/members/{id}, #/reports/{name}?since=30d,
// #/campaigns, #/campaigns/{id}). Each view is drawn afresh from the API.
import { api, storedToken, keepToken, forgetToken } from './api.js';
import { el, clear, message } from './dom.js';
import { listsView, membersView, memberView } from './members.js';
import { reportView, campaignsView, campaignView } from './reports.js';

const $ = (id) => document.getElementById(id);
let who = null;  // {name, role} of the token, from GET whoami

function showSignIn(words) {
  who = null;
  forgetToken();
  $('nav').hidden = true;
  $('who').hidden = true;
  clear($('main'));
  const note = $('sign-in-message');
  note.hidden = !words;
  note.textContent = words || '';
  $('sign-in').hidden = false;
  $('token').value = '';
  $('token').focus();
}

async function signIn(token) {
  keepToken(token);
  try {
    who = await api('whoami');
  } catch (err) {
    showSignIn(err.status === 401 ? 'That token is not valid (unknown, revoked or mistyped).'
      : 'Cannot sign in: ' + err.message);
    return;
  }
  $('sign-in').hidden = true;
  $('nav').hidden = false;
  $('who').hidden = false;
  $('who-name').textContent = who.name;
  $('who-role').textContent = who.role;
  document.body.dataset.role = who.role;
  if (!location.hash || location.hash === '#' || location.hash === '#/') location.hash = '#/lists';
  else route();
}

// The route of a hash: its decoded path segments and its query.
function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  const parts = path.split('/').filter(Boolean).map((p) => {
    try { return decodeURIComponent(p); } catch (e) { return ''; }
  });
  return { parts, params };
}

function viewFor(parts, params, main, rerender) {
  const [section, id, extra] = parts;
  if (extra !== undefined) return null;
  if (section === 'lists') return id === undefined ? listsView(main) : membersView(main, id, params);
  if (section === 'members' && /^[0-9]{1,18}$/.test(id || '')) return memberView(main, id, who.role, rerender);
  if (section === 'reports') return reportView(main, id || 'summary', params);
  if (section === 'campaigns') return id === undefined ? campaignsView(main, params) : campaignView(main, id);
  return null;
}

let drawing = 0;  // a newer route wins over a slower older one

async function route(notice) {
  if (!who) return;
  const ticket = ++drawing;
  const hash = location.hash;
  const { parts, params } = parseHash();
  for (const a of document.querySelectorAll('#nav a')) {
    a.classList.toggle('current', a.dataset.section === parts[0]);
  }
  const main = el('div', { class: 'view', 'aria-busy': 'true' });
  if (notice) main.append(notice);
  try {
    const drawn = viewFor(parts, params, main, (next) => route(next));
    if (!drawn) main.append(el('h1', null, 'Not found'), message('error', 'There is no such page.'));
    await drawn;
  } catch (err) {
    if (err.status === 401) return showSignIn('Your token is no longer accepted: sign in again.');
    main.append(message('error', err.status ? `${err.message} (HTTP ${err.status})` : String(err.message || err)));
  }
  if (ticket !== drawing) return;
  main.removeAttribute('aria-busy');
  $('main').replaceChildren(main);
  document.body.dataset.view = parts[0] || '';
  document.body.dataset.route = hash;  // what the browser tests wait for
}

function start() {
  $('sign-in-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const token = $('token').value.trim();
    if (token) signIn(token);
  });
  $('sign-out').addEventListener('click', () => {
    showSignIn('Signed out.');
    location.hash = '';
  });
  window.addEventListener('hashchange', () => route());
  const token = storedToken();
  if (token) signIn(token);
  else showSignIn('');
}

start();
