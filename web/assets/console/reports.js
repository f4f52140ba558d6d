// The reports and campaigns views, over /api/v1/reports/{name} and /api/v1/campaigns.
// A report's JSON is what `verpmail-admin report NAME --format json` prints: one table
// is an array of rows; more are an object with report, since, until and one key per
// table (an array of rows, or an object of metric: value). Every table is shown as
// it comes; the charts below pick the columns they draw.
import { api, enc } from './api.js';
import { el, table, facts, text } from './dom.js';
import { stackedBars, horizontalBars } from './charts.js';

export const REPORTS = ['summary', 'trend', 'domains', 'reasons', 'incidents', 'suppressed'];
const WINDOWS = ['7d', '30d', '90d'];
// The return classes, in report order (kReturnColumns in ReportCounters.h).
const CLASSES = ['hard', 'soft', 'block', 'complaint', 'autoreply', 'none', 'unattributed'];
const byReason = (r) => `${r.class} ${r.reason}`;

// Per report: which table each chart draws, and how.
const CHARTS = {
  summary: [
    { table: 'per_day', kind: 'stacked', title: 'Returns per day by class' },
    { table: 'top_domains', kind: 'bars', title: 'Bounce rate by domain', label: (r) => r.domain, value: 'bounce_rate', unit: '%' },
    { table: 'suppressions', kind: 'bars', title: 'Suppressed addresses by reason', label: (r) => r.reason, value: 'addresses' },
  ],
  trend: [{ table: 'per_day', kind: 'stacked', title: 'Returns per day by class' }],
  domains: [
    { table: 'domains', kind: 'bars', title: 'Bounce rate by domain', label: (r) => r.domain, value: 'bounce_rate', unit: '%' },
    { table: 'domains', kind: 'bars', title: 'Returns by domain', label: (r) => r.domain, value: 'returns' },
  ],
  reasons: [{ table: 'reasons', kind: 'bars', title: 'Returns by reason', label: byReason, value: 'returns', limit: 30 }],
  incidents: [{ table: 'incidents', kind: 'bars', title: 'Returns per incident', label: (r) => `${r.domain} (${r.state})`, value: 'returns' }],
  suppressed: [{ table: 'suppressions', kind: 'bars', title: 'Suppressed addresses by reason', label: (r) => r.reason, value: 'addresses' }],
  campaign: [
    { table: 'top_domains', kind: 'bars', title: 'Bounce rate by domain', label: (r) => r.domain, value: 'bounce_rate', unit: '%' },
    { table: 'reasons', kind: 'bars', title: 'Returns by reason', label: byReason, value: 'returns', limit: 30 },
  ],
};

// The tables of a report's JSON as {id: rows or object}; a bare array is the only
// table, whatever its id.
// Plain values beside the tables (none in the contract) are kept as one more table.
function tablesOf(json) {
  if (Array.isArray(json)) return { only: json };
  const out = {};
  const plain = {};
  for (const [key, value] of Object.entries(json || {})) {
    if (key === 'report' || key === 'since' || key === 'until') continue;
    if (value !== null && typeof value === 'object') out[key] = value;
    else plain[key] = value;
  }
  return Object.keys(plain).length ? { details: plain, ...out } : out;
}

function tableFor(tables, id) {
  if (tables.only) return tables.only;
  return Array.isArray(tables[id]) ? tables[id] : null;
}

function drawCharts(name, tables) {
  const figures = [];
  for (const c of CHARTS[name] || []) {
    const rows = tableFor(tables, c.table);
    if (!rows) continue;
    figures.push(c.kind === 'stacked'
      ? stackedBars(c.title, rows, 'day', CLASSES.filter((k) => rows.length === 0 || k in rows[0]))
      : horizontalBars(c.title, rows, c.label, c.value, c.unit, c.limit));
  }
  return el('div', { class: 'charts' }, figures);
}

function title(id) {
  return id === 'only' ? '' : id.replace(/_/g, ' ');
}

// Any table as it comes: its columns are the keys of its first row.
function anyTable(id, value) {
  if (!Array.isArray(value)) {
    return [el('h2', null, title(id)), facts(Object.entries(value || {}), 'report-facts')];
  }
  const columns = value.length ? Object.keys(value[0]) : [];
  return [title(id) ? el('h2', null, title(id)) : null,
    table(columns.map((k) => ({ title: k, get: (r) => r[k], cls: typeof value[0][k] === 'number' ? 'num' : '' })),
      value, { cls: 'report report-' + id })];
}

function windowPicker(current, hashOf) {
  const select = el('select', { id: 'since', 'aria-label': 'Window' },
    WINDOWS.map((w) => el('option', { value: w, selected: w === current }, 'last ' + w.replace('d', ' days'))));
  select.addEventListener('change', () => { location.hash = hashOf(select.value); });
  return el('label', { class: 'since' }, 'Window ', select);
}

function sinceOf(params) {
  const since = params.get('since');
  return WINDOWS.includes(since) ? since : '30d';
}

export async function reportView(main, name, params) {
  if (!REPORTS.includes(name)) throw new Error('no such report: ' + name);
  const since = sinceOf(params);
  const json = await api(`reports/${enc(name)}?since=${since}&format=json`);
  const tabs = el('nav', { class: 'tabs' }, REPORTS.map((r) =>
    el('a', { href: `#/reports/${r}?since=${since}`, class: r === name ? 'current' : null }, r)));
  const tables = tablesOf(json);
  main.append(el('h1', null, 'Report: ', name), tabs, windowPicker(since, (w) => `#/reports/${name}?since=${w}`));
  if (json && json.since) main.append(el('p', { class: 'window' }, `From ${json.since} to ${text(json.until)}`));
  main.append(drawCharts(name, tables));
  for (const [id, value] of Object.entries(tables)) main.append(...anyTable(id, value));
}

const returnsOf = (c) => Number(c.hard || 0) + Number(c.soft || 0) + Number(c.block || 0);

export async function campaignsView(main, params) {
  const since = sinceOf(params);
  const json = await api(`campaigns?since=${since}`);
  // The contract's answer is the campaigns report: an array of rows.
  const rows = Array.isArray(json) ? json : tableFor(tablesOf(json), 'campaigns') || [];
  main.append(el('h1', null, 'Campaigns'), windowPicker(since, (w) => `#/campaigns?since=${w}`));
  main.append(el('div', { class: 'charts' },
    horizontalBars('Bounce rate per campaign', rows, (r) => r.campaign, 'bounce_rate', '%', 25)));
  main.append(table([
    { title: 'Campaign', get: (c) => el('a', { href: '#/campaigns/' + enc(c.campaign), class: 'campaign-link' }, c.campaign) },
    { title: 'List', get: (c) => c.list },
    { title: 'Started', get: (c) => c.started_at },
    { title: 'Sent', get: (c) => c.sent, cls: 'num sent' },
    { title: 'Bounced (hard+soft+block)', get: returnsOf, cls: 'num bounced' },
    { title: 'Complaints', get: (c) => c.complaint, cls: 'num complaints' },
    { title: 'All returns', get: (c) => c.returns, cls: 'num returns' },
    { title: 'Bounce rate %', get: (c) => c.bounce_rate, cls: 'num rate' },
  ], rows, { cls: 'campaigns', empty: 'No campaign in this window.' }));
}

export async function campaignView(main, id) {
  const json = await api(`campaigns/${enc(id)}`);
  const tables = tablesOf(json);
  main.append(el('p', { class: 'crumbs' }, el('a', { href: '#/campaigns' }, 'Campaigns'), ' / ', id),
    el('h1', { class: 'address' }, 'Campaign ', id), drawCharts('campaign', tables));
  for (const [tid, value] of Object.entries(tables)) main.append(...anyTable(tid, value));
}
