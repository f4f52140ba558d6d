// Helpers of the console's browser tests: TAP-like reporting in the e2e tests'
// format ("ok - ..." / "FAIL - ..."), a headless Chromium with a hard time limit per
// step, and screenshots kept for people to look at.
import puppeteer from 'puppeteer-core';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let checks = 0;
let failures = 0;

export function ok(message) {
  checks += 1;
  console.log('ok - ' + message);
}

export function fail(message) {
  checks += 1;
  failures += 1;
  console.log('FAIL - ' + message);
}

export function check(condition, message, detail) {
  if (condition) ok(message);
  else fail(detail === undefined ? message : `${message} (got ${JSON.stringify(detail)})`);
  return Boolean(condition);
}

export function equal(got, want, message) {
  return check(got === want, `${message}: ${JSON.stringify(want)}`, got);
}

export function summary() {
  console.log(`# ${checks} checks, ${failures} failed`);
  return failures === 0 && checks > 0;
}

// A required setting from the environment (the e2e wrapper sets them all).
export function setting(name) {
  const value = process.env[name];
  if (!value) {
    fail(`the environment lacks ${name}`);
    process.exit(1);
  }
  return value;
}

// A headless Chromium that trusts the test bed's self-signed certificate by its key
// (its SPKI hash), and nothing else: every other certificate error still fails.
export async function launch(chromium, spki) {
  if (!existsSync(chromium)) {
    fail(`no Chromium at ${chromium} (scripts/install-deps installs Debian's chromium)`);
    process.exit(1);
  }
  const profile = mkdtempSync(join(tmpdir(), 'verpmail-console-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    userDataDir: profile,
    protocolTimeout: 30000,
    timeout: 30000,
    args: [
      '--no-sandbox',  // root in a container has no user namespaces for the sandbox
      '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--no-default-browser-check',
      `--ignore-certificate-errors-spki-list=${spki}`,
    ],
  });
  return { browser, profile };
}

// Closes the browser, then removes its profile (Chromium may still be writing to it
// while it exits: retried, and a leftover temp directory is no failure).
export async function dispose({ browser, profile }) {
  await browser.close();
  try {
    rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  } catch (e) {
    console.log(`# could not remove ${profile}: ${e.message}`);
  }
}

// Watches a page for what must never happen: scripts failing, the CSP blocking
// something, a request to anywhere but the console's own server.
export function watch(page, base) {
  const problems = [];
  page.on('pageerror', (e) => problems.push('script error: ' + e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) {
      problems.push('CSP: ' + m.text());
    }
  });
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(base + '/') && !url.startsWith('data:')) problems.push('request elsewhere: ' + url);
  });
  return problems;
}

export class Shots {
  constructor(dir) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
  }

  async take(page, name) {
    const path = join(this.dir, name + '.png');
    await page.screenshot({ path, fullPage: true });
    console.log('# screenshot ' + path);
  }
}

// Runs `step` within `seconds`; a hang is a failure, not a stuck test.
export async function step(name, seconds, body) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${seconds} s`)), seconds * 1000);
  });
  try {
    await Promise.race([body(), limit]);
  } catch (e) {
    fail(`${name}: ${e.message}`);
  } finally {
    clearTimeout(timer);
  }
}
