// The views of lists and members: the lists, a list's members (search, filter,
// paging, bounce badges), and one member with its history and, for operators and
// admins only, the reset and ignore controls.
import { api, enc, canChange } from './api.js';
import { el, table, facts, badge, message, text } from './dom.js';

export async function listsView(main) {
  const data = await api('lists');
  main.append(el('h1', null, 'Lists'), table([
    { title: 'List', get: (l) => el('a', { href: '#/lists/' + enc(l.name), class: 'list-link' }, l.name) },
    { title: 'From', get: (l) => l.from_address },
    { title: 'Active', get: (l) => l.members.active, cls: 'num' },
    { title: 'Inactive', get: (l) => l.members.inactive, cls: 'num' },
    { title: 'Hard bounces', get: (l) => el('a', { href: `#/lists/${enc(l.name)}?status=hard` }, 'show') },
  ], data.lists, { cls: 'lists', empty: 'No lists yet.' }));
}

// The list's hash with `changes` applied to its query (empty values dropped).
function listHash(name, params, changes) {
  const next = new URLSearchParams(params);
  for (const [k, v] of Object.entries(changes)) {
    if (v) next.set(k, v);
    else next.delete(k);
  }
  const q = next.toString();
  return '#/lists/' + enc(name) + (q ? '?' + q : '');
}

const PAGE_SIZES = ['25', '50', '100', '500'];

// The page size of the hash's limit= (1..500, the API's bounds), else 50.
function pageSize(params) {
  const n = Number(params.get('limit'));
  return Number.isInteger(n) && n >= 1 && n <= 500 ? String(n) : '50';
}

function memberFilters(name, params) {
  const q = el('input', { type: 'search', id: 'member-search', name: 'q', placeholder: 'part of the address',
    value: params.get('q') || '' });
  const status = el('select', { id: 'member-status', name: 'status' },
    [['', 'any status'], ['clean', 'clean'], ['soft', 'soft bounces'], ['hard', 'hard bounces']].map(([v, label]) =>
      el('option', { value: v, selected: (params.get('status') || '') === v }, label)));
  const size = pageSize(params);
  const sizes = PAGE_SIZES.includes(size) ? PAGE_SIZES : [size, ...PAGE_SIZES];
  const limit = el('select', { id: 'member-limit', name: 'limit' },
    sizes.map((v) => el('option', { value: v, selected: v === size }, v)));
  const go = () => {
    const changes = { q: q.value.trim(), status: status.value, after: '' };
    changes.limit = limit.value === '50' ? '' : limit.value;
    location.hash = listHash(name, params, changes);
  };
  status.addEventListener('change', go);
  limit.addEventListener('change', go);
  return el('form', { class: 'filters', onsubmit: (e) => { e.preventDefault(); go(); } },
    el('label', { for: 'member-search' }, 'Address'), q,
    el('label', { for: 'member-status' }, 'Status'), status,
    el('label', { for: 'member-limit' }, 'Per page'), limit,
    el('button', { type: 'submit' }, 'Search'));
}

function bounceCell(m) {
  return el('span', { class: 'bounce' }, badge(m.bounce_status, m.bounce_count),
    m.last_bounce_at ? el('small', { class: 'last' }, 'last ' + m.last_bounce_at) : null);
}

export async function membersView(main, name, params) {
  const query = new URLSearchParams();
  for (const key of ['q', 'status', 'after']) if (params.get(key)) query.set(key, params.get(key));
  query.set('limit', pageSize(params));
  const data = await api(`lists/${enc(name)}/members?${query}`);
  main.append(el('p', { class: 'crumbs' }, el('a', { href: '#/lists' }, 'Lists'), ' / ', name),
    el('h1', null, 'Members of ', el('span', { class: 'name' }, name)), memberFilters(name, params));
  main.append(table([
    { title: 'Address', get: (m) => el('a', { href: '#/members/' + m.id, class: 'member-link' }, m.email) },
    { title: 'Name', get: (m) => m.name },
    { title: 'Member', get: (m) => (m.active ? 'active' : 'out: ' + text(m.inactive_reason)) },
    { title: 'Bounces', get: bounceCell },
  ], data.members, { cls: 'members', empty: 'No member matches.' }));
  const pages = el('p', { class: 'pages' });
  if (params.get('after')) pages.append(el('a', { href: listHash(name, params, { after: '' }), class: 'button' }, 'First page'));
  if (data.next) {
    pages.append(el('a', { href: listHash(name, params, { after: data.next }), class: 'button', id: 'next-page' },
      'Next page'));
  }
  main.append(pages);
}

function trackerFacts(t) {
  if (!t) return message('info', 'This address was never mailed: it has no bounce state.');
  return facts([
    ['Policy state', el('span', { class: 'state state-' + t.policy_state }, t.policy_state)],
    ['Suppressed for', t.suppressed_reason],
    ['Bounces', t.bounce_count], ['Hard', t.hard_bounce_count], ['Soft', t.soft_bounce_count],
    ['Blocks', t.block_count], ['Complaints', t.complaint_count],
    ['Sent since the last bounce', t.sent_since_bounce], ['Last bounce', t.last_bounce_at],
    ['Ignore bounces', el('span', { id: 'ignore-state' }, t.ignore_bounces ? 'on' : 'off')],
  ], 'tracker');
}

function historyTable(bounces) {
  return table([
    { title: 'Class', get: (b) => el('span', { class: 'class class-' + b.class }, b.class) },
    { title: 'Reason', get: (b) => b.reason },
    { title: 'Status', get: (b) => b.status_code },
    { title: 'Diagnostic', get: (b) => b.diagnostic, cls: 'diagnostic' },
    { title: 'Time', get: (b) => b.bounced_at },
    { title: 'Campaign', get: (b) => (b.campaign ? el('a', { href: '#/campaigns/' + enc(b.campaign) }, b.campaign) : null) },
    { title: 'Kind', get: (b) => b.kind },
  ], bounces, { cls: 'bounces', empty: 'No returns recorded.' });
}

function decisionsTable(decisions) {
  return table([
    { title: 'Time', get: (d) => d.decided_at }, { title: 'State', get: (d) => d.state },
    { title: 'Action', get: (d) => d.action }, { title: 'Rule', get: (d) => d.rule },
    { title: 'Evidence', get: (d) => d.evidence, cls: 'diagnostic' }, { title: 'By', get: (d) => d.actor },
  ], decisions, { cls: 'decisions', empty: 'No policy decisions.' });
}

export async function memberView(main, id, role, rerender) {
  const [member, bounces, decisions] = await Promise.all([
    api(`members/${id}`), api(`members/${id}/bounces?limit=100`), api(`members/${id}/decisions?limit=100`)]);
  main.append(
    el('p', { class: 'crumbs' }, el('a', { href: '#/lists' }, 'Lists'), ' / ',
      el('a', { href: '#/lists/' + enc(member.list) }, member.list)),
    el('h1', { class: 'address' }, member.email),
    facts([
      ['List', member.list], ['Name', member.name],
      ['Membership', member.active ? 'active' : 'out: ' + text(member.inactive_reason)],
      ['Bounce status', el('span', null, badge(member.bounce_status, member.bounce_count))],
      ['Last bounce', member.last_bounce_at],
    ], 'membership'),
    el('h2', null, 'Bounce state'), trackerFacts(member.tracker));
  if (canChange(role) && member.tracker) main.append(controls(member, id, rerender));
  main.append(el('h2', null, 'Bounce history'), historyTable(bounces.bounces),
    el('h2', null, 'Policy decisions'), decisionsTable(decisions.decisions));
}

// The operator's controls: each asks once more before it changes anything, then
// posts, then the page is drawn again from the API with the outcome on top.
function controls(member, id, rerender) {
  const box = el('section', { class: 'controls', id: 'member-controls' }, el('h2', null, 'Actions'));
  const ignoring = member.tracker.ignore_bounces;
  const actions = el('div', { class: 'actions' },
    el('button', { type: 'button', id: 'reset-bounces', class: 'danger' }, 'Reset bounce status'),
    el('button', { type: 'button', id: 'ignore-bounces', role: 'switch', 'aria-checked': String(ignoring) },
      ignoring ? 'Ignore bounces: on \u2014 turn off' : 'Ignore bounces: off \u2014 turn on'));
  const confirmArea = el('div', { class: 'confirm-area' });
  box.append(actions, confirmArea);
  const ask = (question, path, body) => {
    confirmArea.replaceChildren(el('div', { class: 'confirm', role: 'alertdialog', id: 'confirm' },
      el('p', null, question),
      el('button', { type: 'button', id: 'confirm-yes', class: 'danger', onclick: async (e) => {
        e.target.disabled = true;
        try {
          const result = await api(`members/${id}/${path}`, { method: 'POST', body });
          rerender(message('ok', 'Done: ' + text(result.change)));
        } catch (err) {
          if (err.status === 401) return rerender(null);  // the route then signs out
          confirmArea.replaceChildren(message('error', 'Refused: ' + err.message));
        }
      } }, 'Confirm'),
      el('button', { type: 'button', id: 'confirm-no', onclick: () => confirmArea.replaceChildren() }, 'Cancel')));
    confirmArea.querySelector('#confirm-yes').focus();
  };
  actions.querySelector('#reset-bounces').addEventListener('click', () => ask(
    `Reset the bounce status of ${member.email}? Its bounce counts are cleared and a suppression by the policy ends.`,
    'reset-bounces', {}));
  actions.querySelector('#ignore-bounces').addEventListener('click', () => ask(
    ignoring ? `Count bounces of ${member.email} again?` : `Ignore all bounces of ${member.email} from now on?`,
    'ignore-bounces', { on: !ignoring }));
  return box;
}
