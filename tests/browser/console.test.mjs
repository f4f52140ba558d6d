// The web console in a real headless Chromium, one phase per run, driven by
// tests/e2e/web_console.sh, which seeds the data and checks the database between
// the phases:
//
//   node console.test.mjs operator   sign-in (a bad token refused), the lists, a
//        list's badges and status filter, the hard-bounced member's history, then
//        "Reset bounce status" and its confirm; the page shows the outcome; the
//        soft member's "Ignore bounces" switch (Cancel, then on); sign-out
//   node console.test.mjs viewer     the same member without any reset or ignore
//        control, the API refusing the viewer's POSTs (403), a token that stops
//        working mid-session (back to the sign-in), the phone layout
//   node console.test.mjs reports    every report with its chart, the campaigns
//        table against the database's counts, a campaign's page (phone too)
//
// Settings come from the environment (see web_console.sh). Screenshots of every page
// go to $CONSOLE_SHOTS. Exit 0 only when every check passed.
import { check, equal, fail, summary, setting, launch, dispose, watch, Shots, step } from './lib.mjs';

const BASE = setting('CONSOLE_BASE');
const shots = new Shots(setting('CONSOLE_SHOTS'));
const PHONE = { width: 390, height: 844, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const DESKTOP = { width: 1280, height: 900 };

async function openConsole(page) {
  await page.goto(BASE + '/console/', { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#token', { visible: true });
}

async function signIn(page, token) {
  await openConsole(page);
  await page.type('#token', token);
  await page.click('#sign-in-button');
  await page.waitForFunction(() => document.body.dataset.route === '#/lists');
}

// Goes to `hash` and waits until the console has drawn it.
async function go(page, hash) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.waitForFunction((h) => document.body.dataset.route === h, {}, hash);
}

const textOf = (page, selector) => page.$eval(selector, (e) => e.textContent.trim());

// The rows of table.NAME as arrays of cell texts.
const rowsOf = (page, name) => page.$$eval(`table.${name} tbody tr`, (rows) =>
  rows.map((r) => [...r.cells].map((c) => c.textContent.trim())));

// The dt/dd pairs of a facts list, as an object.
const factsOf = (page, selector) => page.$eval(selector, (dl) => {
  const out = {};
  dl.querySelectorAll('dt').forEach((dt) => { out[dt.textContent.trim()] = dt.nextElementSibling.textContent.trim(); });
  return out;
});

async function noHorizontalOverflow(page, what) {
  const sizes = await page.evaluate(() => ({
    doc: document.documentElement.scrollWidth, body: document.body.scrollWidth, view: window.innerWidth }));
  check(sizes.doc <= sizes.view && sizes.body <= sizes.view, `${what}: no sideways scrolling on a phone`, sizes);
}

async function operator(page) {
  await operatorLists(page);
  await operatorMember(page);
  await operatorChanges(page);
}

// Sign-in, the lists, a list's badges, paging and status filter.
async function operatorLists(page) {
  const LIST = setting('LIST'), HARD = setting('HARD_EMAIL'), SOFT = setting('SOFT_EMAIL');
  await step('sign-in', 30, async () => {
    await openConsole(page);
    await shots.take(page, 'sign-in');
    await page.type('#token', 'vm_not_a_token_at_all');
    await page.click('#sign-in-button');
    await page.waitForSelector('#sign-in-message:not([hidden])');
    check(/not valid/.test(await textOf(page, '#sign-in-message')), 'a bad token is refused with a message');
    check(await page.$eval('#nav', (n) => n.hidden), 'nothing but the sign-in is shown');
    await page.type('#token', setting('OPERATOR_TOKEN'));
    await page.click('#sign-in-button');
    await page.waitForFunction(() => document.body.dataset.route === '#/lists');
    equal(await textOf(page, '#who-name'), setting('OPERATOR_NAME'), 'the header names the token');
    equal(await textOf(page, '#who-role'), 'operator', 'and its role');
    const lists = await rowsOf(page, 'lists');
    check(lists.some((r) => r[0] === LIST), `the lists page shows ${LIST}`, lists);
    await shots.take(page, 'lists');
  });
  await step('badges', 30, async () => {
    await go(page, '#/lists/' + LIST);
    const badges = await page.$$eval('table.members tbody tr', (rows) => rows.map((r) => {
      const b = r.querySelector('.badge');
      return { email: r.cells[0].textContent.trim(), cls: b.className, text: b.textContent.trim(),
        colour: getComputedStyle(b).backgroundColor, last: (r.querySelector('.last') || {}).textContent || '' };
    }));
    const hard = badges.find((b) => b.email === HARD), soft = badges.find((b) => b.email === SOFT);
    check(hard && hard.cls === 'badge hard' && /^hard ×[1-9]/.test(hard.text), 'the hard member has a hard badge with its count', hard);
    check(hard && hard.colour === 'rgb(198, 40, 40)', 'the hard badge is red', hard && hard.colour);
    check(hard && /^last \d{4}-\d\d-\d\d/.test(hard.last), 'with the last bounce time', hard && hard.last);
    check(soft && soft.cls === 'badge soft' && /^soft ×[1-9]/.test(soft.text), 'the soft member has a soft badge with its count', soft);
    check(soft && soft.colour === 'rgb(242, 194, 0)', 'the soft badge is yellow', soft && soft.colour);
    check(badges.some((b) => b.cls === 'badge clean'), 'a member never returned has the neutral badge', badges);
    await shots.take(page, 'list-members');
    const markup = await page.$$eval('table.members tbody tr', (rows) => rows.map((r) => r.cells[1].textContent));
    check(markup.includes(setting('MARKUP_NAME')), 'a name of markup is shown as text', markup);
    equal(await page.$$eval('main img, main b', (found) => found.length), 0, 'and never becomes elements');
    // Three a page (five members): the Next page link follows the API's cursor.
    await go(page, `#/lists/${LIST}?limit=3`);
    const first = (await rowsOf(page, 'members')).map((r) => r[0]);
    const next = await page.$eval('#next-page', (a) => a.getAttribute('href'));
    await page.click('#next-page');
    await page.waitForFunction((h) => document.body.dataset.route === h, {}, next);
    const second = (await rowsOf(page, 'members')).map((r) => r[0]);
    check(first.length === 3 && second.length === 2 && !second.some((e) => first.includes(e)),
      'paging: three, then the other two', [first, second]);
    check(await page.$('#next-page') === null, 'paging: no Next page after the last', second);
    await go(page, '#/lists/' + LIST);
    await page.select('#member-status', 'hard');
    await page.waitForFunction((l) => document.body.dataset.route === `#/lists/${l}?status=hard`, {}, LIST);
    const shown = (await rowsOf(page, 'members')).map((r) => r[0]);
    check(shown.includes(HARD) && !shown.includes(SOFT), 'the hard filter shows the hard member only', shown);
    await shots.take(page, 'list-members-hard');
  });
}

// The hard member's page and its bounce history, reached by its link.
async function operatorMember(page) {
  const HARD = setting('HARD_EMAIL'), HARD_ID = setting('HARD_ID');
  await step('history', 30, async () => {
    const href = await page.$eval(`a.member-link[href="#/members/${HARD_ID}"]`, (a) => a.getAttribute('href'));
    await page.click(`a.member-link[href="${href}"]`);
    await page.waitForFunction((h) => document.body.dataset.route === h, {}, href);
    equal(await textOf(page, 'h1.address'), HARD, 'the member page names the address');
    const history = await rowsOf(page, 'bounces');
    const first = history[0] || [];
    check(history.length >= 1, 'the bounce history has the return', history);
    equal(first[0], 'hard', 'its class');
    equal(first[1], setting('HARD_REASON'), 'its reason');
    equal(first[2], '5.1.1', 'its status');
    check(/User unknown/.test(first[3] || ''), 'its diagnostic', first[3]);
    check(/^\d{4}-\d\d-\d\d/.test(first[4] || ''), 'its time', first[4]);
    equal(first[5], setting('CAMPAIGN'), 'its campaign');
    check(await page.$('#reset-bounces') !== null, 'an operator has "Reset bounce status"');
    check(await page.$('#ignore-bounces') !== null, 'and the "Ignore bounces" toggle');
    await shots.take(page, 'member-operator');
  });
}

// Reset bounce status and the Ignore bounces switch, each confirmed; sign-out.
async function operatorChanges(page) {
  await step('reset', 30, async () => {
    equal(await page.$eval('#reset-bounces', (b) => b.textContent), 'Reset bounce status', 'the button says what it does');
    await page.click('#reset-bounces');
    await page.waitForSelector('#confirm', { visible: true });
    check(/Reset the bounce status/.test(await textOf(page, '#confirm')), 'a confirm step comes first');
    await shots.take(page, 'member-reset-confirm');
    await page.click('#confirm-yes');
    await page.waitForSelector('.message.ok');
    check(/^Done: /.test(await textOf(page, '.message.ok')), 'the page shows the outcome',
      await textOf(page, '.message.ok'));
    const tracker = await factsOf(page, '.facts.tracker');
    equal(tracker.Hard, '0', 'the page, drawn again from the API, shows the reset');
    await shots.take(page, 'member-after-reset');
  });
  await step('ignore', 30, async () => {
    const SOFT_ID = setting('SOFT_ID');
    await go(page, '#/members/' + SOFT_ID);
    equal(await textOf(page, '#ignore-state'), 'off', 'the soft member does not ignore bounces yet');
    check(/turn on/.test(await textOf(page, '#ignore-bounces')), 'the switch offers to turn it on');
    await page.click('#ignore-bounces');
    await page.waitForSelector('#confirm', { visible: true });
    check(/Ignore all bounces/.test(await textOf(page, '#confirm')), 'the switch asks first too');
    await page.click('#confirm-no');
    check(await page.$('#confirm') === null, 'Cancel changes nothing and closes the question');
    await page.click('#ignore-bounces');
    await page.click('#confirm-yes');
    await page.waitForSelector('.message.ok');
    equal(await textOf(page, '#ignore-state'), 'on', 'the page shows Ignore bounces on');
    await shots.take(page, 'member-ignore-on');
  });
  await step('sign-out', 20, async () => {
    await page.click('#sign-out');
    await page.waitForSelector('#sign-in', { visible: true });
    check(await page.evaluate(() => sessionStorage.length === 0), 'signing out forgets the token');
  });
}

async function viewer(page) {
  const HARD_ID = setting('HARD_ID'), SOFT_ID = setting('SOFT_ID'), LIST = setting('LIST');
  await step('viewer', 30, async () => {
    await signIn(page, setting('VIEWER_TOKEN'));
    equal(await textOf(page, '#who-role'), 'viewer', 'a viewer signs in');
    for (const id of [HARD_ID, SOFT_ID]) {
      await go(page, '#/members/' + id);
      check((await rowsOf(page, 'bounces')).length >= 1, `member ${id}: the viewer sees the history`);
      const controls = await page.$$eval('#reset-bounces, #ignore-bounces, #member-controls, #confirm-yes',
        (found) => found.length);
      equal(controls, 0, `member ${id}: no reset or ignore control in the page at all`);
      const buttons = await page.$$eval('main button', (b) => b.map((x) => x.textContent));
      check(!buttons.some((t) => /reset|ignore/i.test(t)), `member ${id}: no such button by its text either`, buttons);
    }
    await shots.take(page, 'member-viewer');
  });
  await step('viewer-post', 20, async () => {
    // The soft member ignores bounces since the operator's phase: turning it off
    // would be a real change, were it allowed.
    const statuses = await page.evaluate(async (id, token) => {
      const post = (path, body) => fetch(`/api/v1/members/${id}/${path}`, { method: 'POST', body,
        headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' } }).then((r) => r.status);
      return [await post('reset-bounces', '{}'), await post('ignore-bounces', '{"on":false}')];
    }, SOFT_ID, setting('VIEWER_TOKEN'));
    equal(statuses.join(','), '403,403', "the API refuses the viewer's reset and ignore");
  });
  await step('token gone', 20, async () => {
    // A token revoked (or swapped) while the page is open: the next call is 401.
    await page.evaluate(() => sessionStorage.setItem('verpmail.console.token', 'vm_revoked_meanwhile'));
    await page.evaluate(() => { location.hash = '#/lists'; });
    await page.waitForSelector('#sign-in:not([hidden])');
    check(/no longer accepted/.test(await textOf(page, '#sign-in-message')), 'a 401 returns to the sign-in with a message');
    check(await page.$eval('#nav', (n) => n.hidden), 'and hides the pages');
    await signIn(page, setting('VIEWER_TOKEN'));
  });
  await step('phone', 40, async () => {
    await page.setViewport(PHONE);
    for (const [hash, name] of [['#/lists', 'lists'], ['#/lists/' + LIST, 'list-members'],
      ['#/members/' + SOFT_ID, 'member'], ['#/members/' + HARD_ID, 'member-hard']]) {
      await go(page, hash);
      await noHorizontalOverflow(page, name);
      await shots.take(page, 'phone-' + name);
    }
    const tap = await page.$eval('#nav a', (a) => a.getBoundingClientRect().height);
    check(tap >= 44, 'the navigation is tap-sized', tap);
    await page.setViewport(DESKTOP);
  });
}

const REPORTS = ['summary', 'trend', 'domains', 'reasons', 'incidents', 'suppressed'];

async function reports(page) {
  const CAMPAIGN = setting('CAMPAIGN');
  await step('endpoints', 30, async () => {
    await signIn(page, setting('VIEWER_TOKEN'));
    const statuses = await page.evaluate(async (token, campaign) => {
      const get = (p) => fetch('/api/v1/' + p, { headers: { Authorization: 'Bearer ' + token } }).then((r) => r.status);
      return [await get('reports/summary?since=30d&format=json'), await get('campaigns?since=30d'),
        await get('campaigns/' + encodeURIComponent(campaign))];
    }, setting('VIEWER_TOKEN'), CAMPAIGN);
    equal(statuses.join(','), '200,200,200', 'the API serves the reports and campaigns (GET reports/summary, campaigns, campaigns/ID)');
  });
  for (const name of REPORTS) {
    await step('report ' + name, 30, async () => {
      await go(page, `#/reports/${name}?since=30d`);
      const errors = await page.$$eval('.message.error', (m) => m.map((x) => x.textContent));
      equal(errors.length, 0, `report ${name}: drawn without an error` + (errors.length ? ': ' + errors[0] : ''));
      const charts = await page.$$eval('figure.chart svg.chart-svg', (s) => s.length);
      check(charts >= 1, `report ${name}: a chart is drawn as SVG`, charts);
      check(await page.$('table.report') !== null, `report ${name}: its table`);
      if (name === 'summary' || name === 'trend') {
        const bars = await page.$$eval('svg.stacked rect.bar', (r) => r.length);
        check(bars >= 1, `report ${name}: today's returns are bars of the stacked chart`, bars);
      }
      await shots.take(page, 'report-' + name);
    });
  }
  await step('since', 20, async () => {
    await page.select('#since', '7d');
    await page.waitForFunction(() => document.body.dataset.route === '#/reports/suppressed?since=7d');
    equal(await page.$eval('#since', (s) => s.value), '7d', 'the window selector moves to 7 days');
  });
  await step('campaigns', 30, async () => {
    await go(page, '#/campaigns?since=30d');
    check(await page.$('figure.chart svg.chart-svg') !== null, 'campaigns: a chart is drawn as SVG');
    const row = await page.$$eval('table.campaigns tbody tr', (rows, c) => {
      const r = rows.find((x) => x.cells[0].textContent.trim() === c);
      if (!r) return null;
      const cell = (cls) => r.querySelector('td.' + cls).textContent.trim();
      return { sent: cell('sent'), bounced: cell('bounced'), complaints: cell('complaints'), returns: cell('returns') };
    }, CAMPAIGN);
    check(row !== null, `campaigns: the run's campaign ${CAMPAIGN} is listed`);
    if (row) {
      equal(row.sent, setting('EXPECT_SENT'), 'campaigns: sent as in send_log');
      equal(row.bounced, setting('EXPECT_BOUNCED'), 'campaigns: bounced (hard+soft+block) as in bounce_logs');
      equal(row.complaints, setting('EXPECT_COMPLAINTS'), 'campaigns: complaints as in bounce_logs');
      equal(row.returns, setting('EXPECT_RETURNS'), 'campaigns: all returns as in bounce_logs');
    }
    const titles = await page.$$eval('table.campaigns th', (t) => t.map((x) => x.textContent));
    check(titles.includes('Bounced (hard+soft+block)'), 'campaigns: the bounced column says what it counts', titles);
    await shots.take(page, 'campaigns');
    const href = '#/campaigns/' + encodeURIComponent(CAMPAIGN);
    await page.click(`a.campaign-link[href="${href}"]`);
    await page.waitForFunction((h) => document.body.dataset.route === h, {}, href);
    check(await page.$('figure.chart svg.chart-svg') !== null, 'a campaign: its charts');
    const facts = await factsOf(page, 'dl.report-facts');
    equal(facts.sent, setting('EXPECT_SENT'), 'a campaign: sent as in send_log');
    await shots.take(page, 'campaign');
  });
  await step('phone reports', 40, async () => {
    await page.setViewport(PHONE);
    for (const [hash, name] of [['#/reports/summary?since=30d', 'report-summary'], ['#/campaigns?since=30d', 'campaigns'],
      ['#/campaigns/' + encodeURIComponent(CAMPAIGN), 'campaign']]) {
      await go(page, hash);
      await noHorizontalOverflow(page, name);
      await shots.take(page, 'phone-' + name);
    }
    await page.setViewport(DESKTOP);
  });
}

// For development before the API serves the reports: answers /api/v1/reports/* and
// /api/v1/campaigns* from files `verpmail-admin report ... --format json` wrote (the
// same JSON, by the API contract). Never set in a real run: it checks no endpoint.
const PHASES = { operator, viewer, reports };

async function main() {
  const phase = process.argv[2];
  if (!PHASES[phase]) {
    fail(`usage: node console.test.mjs ${Object.keys(PHASES).join('|')}`);
    return false;
  }
  const chromium = await launch(process.env.CHROMIUM || '/usr/bin/chromium', setting('CONSOLE_SPKI'));
  try {
    const page = await chromium.browser.newPage();
    page.setDefaultTimeout(15000);
    await page.setViewport(DESKTOP);
    const problems = watch(page, BASE);
    await PHASES[phase](page);
    equal(problems.join('; '), '', `${phase}: no script error, CSP refusal or request elsewhere`);
  } finally {
    await dispose(chromium);
  }
  return summary();
}

main().then((passed) => process.exit(passed ? 0 : 1), (e) => {
  fail('the browser test broke: ' + (e && e.stack ? e.stack : e));
  process.exit(1);
});
