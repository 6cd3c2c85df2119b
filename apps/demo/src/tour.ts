/**
 * The zenoti-auth tour (`pnpm demo` at the repository root): one embedded mock Zenoti, and on it, in
 * order, the core round trip and the axios, Nest, Hono, Express and Fastify demos, each reusing that
 * app's own entry function. The mock is reset to its seed before each section, and each section gets
 * its own token store, so the sections do not see each other's tokens. Prints every step and a
 * summary; never a secret (keys, passwords and tokens appear only as fingerprints such as …ab68).
 */
import { run as runAxiosDemo } from '@zenoti-auth/axios-demo';
import { MemoryTokenStore, type TokenStore } from '@zenoti-auth/core';
import { run as walkExpressDemo } from '@zenoti-auth/express-demo';
import { run as walkFastifyDemo } from '@zenoti-auth/fastify-demo';
import { run as walkHonoDemo } from '@zenoti-auth/hono-demo';
import { DEMO_CREDENTIALS as D, type RunningMockZenoti, startMockZenoti } from '@zenoti-auth/mock-server';
import { run as walkNestDemo } from '@zenoti-auth/nest-demo';
import { runRoundTrip } from './round-trip.ts';

interface Section {
  name: string;
  what: string;
  run(mock: RunningMockZenoti, store: TokenStore): Promise<void>;
}

const SECTIONS: readonly Section[] = [
  {
    name: 'core round trip',
    what: '@zenoti-auth/core — generate, call, refresh, revoke',
    run: (mock, store) => runRoundTrip({ mock, store }),
  },
  {
    name: 'axios demo',
    what: '@zenoti-auth/axios — apps/axios-demo',
    run: (mock, store) => runAxiosDemo({ mock, store }),
  },
  {
    name: 'Nest demo',
    what: '@zenoti-auth/nestjs — apps/nest-demo, its routes walked with fetch',
    run: (mock, store) => walkNestDemo({ mock, store }),
  },
  {
    name: 'Hono demo',
    what: '@zenoti-auth/hono — apps/hono-demo, its routes walked with fetch (no browser)',
    run: (mock, store) => walkHonoDemo({ mock, store }),
  },
  {
    name: 'Express demo',
    what: '@zenoti-auth/express — apps/express-demo, its routes walked with fetch (no browser)',
    run: (mock, store) => walkExpressDemo({ mock, store }),
  },
  {
    name: 'Fastify demo',
    what: '@zenoti-auth/fastify — apps/fastify-demo, its routes walked with fetch (no browser)',
    run: (mock, store) => walkFastifyDemo({ mock, store }),
  },
];

/** Longest a section may take before the tour gives up on it. */
const SECTION_DEADLINE_MS = 20_000;

export interface SectionResult {
  name: string;
  ok: boolean;
  /** Calls to `POST /v1/tokens` the mock counted during the section. */
  tokenCalls: number;
  ms: number;
  error?: string;
}

const line = (title: string): string => `\n━━ ${title} ${'━'.repeat(Math.max(3, 92 - title.length))}`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

function withDeadline<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Runs the whole tour; resolves with one result per section (it never rejects for a section's failure). */
export async function runTour(print: (text: string) => void = console.log): Promise<SectionResult[]> {
  const started = performance.now();
  print(
    `zenoti-auth tour: one mock Zenoti, ${SECTIONS.length} sections — ${SECTIONS.map((s) => s.name).join(', ')}.`,
  );
  print('Keys, passwords and tokens are never printed; they appear as fingerprints such as …1093.');
  const mock = await startMockZenoti({ rateLimit: { limit: 60, windowSeconds: 60 } });
  print(
    `Mock Zenoti listening on ${mock.url} (account "${D.accountName}"); reset to its seed before each section.`,
  );
  const results: SectionResult[] = [];
  try {
    for (const [i, section] of SECTIONS.entries()) {
      print(line(`${i + 1}/${SECTIONS.length} · ${section.name} · ${section.what}`));
      mock.control.reset();
      const t0 = performance.now();
      const result: SectionResult = { name: section.name, ok: false, tokenCalls: 0, ms: 0 };
      try {
        await withDeadline(section.run(mock, new MemoryTokenStore()), SECTION_DEADLINE_MS, section.name);
        result.ok = true;
      } catch (error) {
        // Errors of zenoti-auth carry no secret; print the message only, never the object.
        result.error = error instanceof Error ? error.message : 'unknown error';
        print(`\n   ✗ ${section.name} failed: ${result.error}`);
      }
      result.ms = performance.now() - t0;
      result.tokenCalls = mock.control.counters().token.total;
      results.push(result);
    }
  } finally {
    await mock.close();
  }

  print(line('Summary'));
  print(`   ${'section'.padEnd(22)}${'result'.padEnd(9)}${'token calls'.padEnd(14)}duration`);
  for (const [i, r] of results.entries()) {
    print(
      `   ${`${i + 1}. ${r.name}`.padEnd(22)}${(r.ok ? 'ok' : 'FAILED').padEnd(9)}${String(r.tokenCalls).padEnd(14)}${seconds(r.ms)}`,
    );
  }
  print('   (token calls: POST /v1/tokens requests the mock Zenoti counted in that section)');
  const failed = results.filter((r) => !r.ok).length;
  const total = seconds(performance.now() - started);
  print(
    failed === 0
      ? `\nAll ${results.length} sections ok in ${total}; the mock Zenoti and every demo server are closed.`
      : `\n${failed} of ${results.length} sections failed (${total}).`,
  );
  return results;
}
