import { mkdirSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { MockCounters, RecordedRequest } from '../src/index.ts';
import { call, D } from './helpers.ts';
import { all429s, LIVE_LIMIT, MARKUP_ACCOUNT, scriptedRun, startLiveMock } from './live-run.ts';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Git-ignored (`packages/mock-server/.gitignore`); CI keeps it as an artifact. */
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const SCREENSHOT = `${ARTIFACTS}mock-live-page.png`;

const polls = async (page: Page): Promise<number> =>
  Number(await page.evaluate(() => document.documentElement.dataset.polls));

/** Waits (bounded by the page's timeout) until the page has shown two more answers than now. */
async function waitForFreshPoll(page: Page): Promise<void> {
  // The first may have been asked for before the caller's last call ended; the second was not.
  const seen = await polls(page);
  await page.waitForFunction((n) => Number(document.documentElement.dataset.polls) >= n, seen + 2, {
    polling: 50,
  });
}

/** The value at a dotted path, as the page reads it (a count never seen reads 0). */
function valueAt(object: unknown, path: string): unknown {
  let value = object;
  for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return value ?? 0;
}

describe('the live page in headless Chromium', () => {
  it('shows the counters, the windows and the last requests of a scripted run, redacted', async () => {
    const mock = await startLiveMock();
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      timeout: 30_000,
    });
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      const asked: string[] = [];
      const problems: string[] = [];
      page.on('request', (request) => asked.push(request.url()));
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });

      await page.goto(`${mock.url}/_mock/`);
      await page.waitForFunction(() => Number(document.documentElement.dataset.polls) >= 1);
      // The page is watching while the run happens.
      const { secrets } = await scriptedRun(mock);
      await waitForFreshPoll(page);

      const counters = (await call(mock, '/__mock/counters')).body as MockCounters;
      const faulted = counters.token.faulted + counters.revoke.faulted + counters.resources.faulted;
      const source = { counters, summary: { rateLimited: all429s(counters), faulted } };
      const shown = await page.$$eval('[data-key]', (cells) =>
        cells.map((cell) => [(cell as HTMLElement).dataset.key ?? '', cell.textContent ?? '']),
      );
      // Every number on the page, each compared with the counters it stands for.
      expect(shown.length).toBeGreaterThanOrEqual(20);
      expect(shown).toEqual(shown.map(([key = '']) => [key, String(valueAt(source, key))]));
      const number = (key: string) => shown.find(([k]) => k === key)?.[1];
      expect(number('counters.token.password.ok')).toBe('2');
      expect(number('counters.token.refresh.ok')).toBe('1');
      expect(number('counters.token.refreshReused')).toBe('1');
      expect(number('counters.revoke.ok')).toBe('1');
      expect(number('summary.rateLimited')).toBe('4');
      expect(number('counters.token.lockouts')).toBe('1');
      expect(number('summary.faulted')).toBe('0');

      const windowRow = (account: string) =>
        page
          .locator('#window-rows tr')
          .filter({ has: page.getByRole('cell', { name: account, exact: true }) });
      const demo = windowRow(D.accountName);
      expect(await demo.locator('td.used').textContent()).toBe(String(LIVE_LIMIT));
      expect(await demo.locator('td.limit').textContent()).toBe(String(LIVE_LIMIT));
      expect(await demo.locator('td.remaining').textContent()).toBe('0');
      expect(await demo.locator('td.reset').textContent()).toBe('in 60 s');
      // An organisation named with markup shows as that text; no element was made of it.
      expect(await windowRow(MARKUP_ACCOUNT).locator('td.used').textContent()).toBe('1');
      expect(await page.locator('#window-rows img').count()).toBe(0);
      expect(await page.evaluate(() => document.documentElement.dataset.pwned)).toBeUndefined();

      const logged = (await call(mock, '/__mock/requests')).body as RecordedRequest[];
      const rows = await page.$$eval('#request-rows tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
      );
      expect(rows).toHaveLength(Math.min(50, logged.length));
      expect(rows.slice(0, 3)).toEqual(
        logged
          .slice(-3)
          .reverse()
          .map((r) => [
            new Date(r.at).toISOString().slice(11, 23),
            r.method,
            r.path,
            String(r.status),
            r.authorization ?? '—',
          ]),
      );
      expect(rows[0]?.[4]).toMatch(/^bearer …/);

      rmSync(SCREENSHOT, { force: true });
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);

      const html = await page.content();
      for (const secret of secrets) expect(html).not.toContain(secret);
      // Nothing but the page and its JSON: no other origin, no favicon request counted by the mock.
      expect(asked.length).toBeGreaterThan(2);
      const allowed = [`${mock.url}/_mock/`, `${mock.url}/_mock/state.json`];
      for (const url of asked) expect(allowed).toContain(url);
      expect(problems).toEqual([]);
      await context.close();
    } finally {
      await browser.close();
    }
  }, 60_000);
});
