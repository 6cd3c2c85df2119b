import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { D, serverSecrets, startDemo } from './support.ts';

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
const [alice] = D.guests;

describe('hono-demo in headless Chromium', () => {
  it('signs in, loads centres and the profile, signs out, and the browser never receives a credential', async () => {
    const demo = await startDemo();
    // A fresh profile: launch() gives every run its own temporary user-data-dir.
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      timeout: 30_000,
    });
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      const received: string[] = [];
      const reading: Array<Promise<void>> = [];
      page.on('response', (response) => {
        reading.push(
          (async () => {
            received.push(
              `${response.status()} ${response.url()} ${JSON.stringify(await response.allHeaders())}`,
            );
            try {
              received.push((await response.body()).toString('utf8'));
            } catch {
              // No body (redirects, 204).
            }
          })(),
        );
      });

      await page.goto(demo.url);
      await page.locator('#centres li', { hasText: 'Demo Spa Airport' }).waitFor();
      expect(await page.locator('#centres li').allTextContents()).toHaveLength(3);

      await page.fill('input[name=username]', alice.username);
      await page.fill('input[name=password]', alice.password);
      await page.click('button[type=submit]');
      await page.locator('#status', { hasText: 'Signed in (Guest).' }).waitFor();
      const signedInCookies = await context.cookies();
      const session = signedInCookies.find((c) => c.name === 'demo_session');
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

      await page.click('#profile-button');
      await page.locator('#profile', { hasText: 'Alice Anderson' }).waitFor();
      expect(await page.locator('#profile').textContent()).toContain(alice.guestId);
      const profileShot = join(tmpdir(), `hono-demo-e2e-${process.pid}-profile.png`);
      await page.screenshot({ path: profileShot, fullPage: true });
      expect(statSync(profileShot).size).toBeGreaterThan(1_000);
      const storage = await page.evaluate(() =>
        JSON.stringify({
          local: { ...localStorage },
          session: { ...sessionStorage },
          cookie: document.cookie,
        }),
      );
      const htmlSignedIn = await page.content();

      await page.click('#sign-out');
      await page.locator('#status', { hasText: 'Signed out; Zenoti revoked the session.' }).waitFor();
      expect(demo.control.counters().revoke.ok).toBe(1);
      expect((await context.cookies()).find((c) => c.name === 'demo_session')).toBeUndefined();

      const screenshot = join(tmpdir(), `hono-demo-e2e-${process.pid}.png`);
      await page.screenshot({ path: screenshot, fullPage: true });
      expect(existsSync(screenshot)).toBe(true);
      expect(statSync(screenshot).size).toBeGreaterThan(1_000);
      console.log(`hono-demo screenshots: ${profileShot}, ${screenshot}`);

      // Bounded: a response body the page never read would keep its promise open.
      await Promise.race([
        Promise.all(reading),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('response bodies still unread after 5 s')), 5_000),
        ),
      ]);
      const html = await page.content();
      const tokens = demo.store.tokens();
      expect(tokens.length).toBeGreaterThanOrEqual(2); // alice's access and refresh token: the check below means something
      expect(received.length).toBeGreaterThan(8);
      const everything = [...received, JSON.stringify(signedInCookies), storage, htmlSignedIn, html].join(
        '\n',
      );
      for (const secret of serverSecrets(demo.store)) expect(everything).not.toContain(secret);
      // The password the test typed went to the server; it must never come back.
      expect(received.join('\n')).not.toContain(alice.password);
      expect([JSON.stringify(signedInCookies), storage, htmlSignedIn, html].join('\n')).not.toContain(
        alice.password,
      );
      await context.close();
    } finally {
      await browser.close();
    }
  });
});
