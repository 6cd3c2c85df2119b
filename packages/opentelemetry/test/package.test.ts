import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { D, zenoti } from './support.ts';

const dist = (file: string): string => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));
const require = createRequire(import.meta.url);

/** The export list of the built entry, checked in: a change here is a change of the public API. */
const EXPORTS = ['zenotiTelemetry'];

interface SizeLib {
  packageSizes(
    root: string,
    dir: string,
  ): Promise<Array<{ entry: string; gzip: number; budget: number | null }>>;
}

describe('built package', () => {
  it('has the same, expected exports as ESM and as CJS', async () => {
    const manifest = JSON.parse(
      readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'),
    );
    expect(Object.keys(manifest.exports)).toEqual(['.', './package.json']);
    expect(Object.keys(await import(dist('index.mjs'))).sort()).toEqual(EXPORTS);
    expect(Object.keys(require(dist('index.cjs'))).sort()).toEqual(EXPORTS);
  });

  it('imports only @opentelemetry/api and @zenoti-auth/core, nothing from node:', () => {
    for (const file of ['index.mjs', 'index.cjs']) {
      const code = readFileSync(dist(file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      const imported = [...code.matchAll(/(?:from\s+|require\()\s*["']([^"']+)["']/g)].map((m) => m[1]);
      expect([...new Set(imported)].sort(), file).toEqual(['@opentelemetry/api', '@zenoti-auth/core']);
    }
  });

  it('fits its size budget (min+gzip, peers external)', async () => {
    const { packageSizes } = (await import(`${root}scripts/size-lib.mjs`)) as SizeLib;
    const [row] = await packageSizes(root, 'opentelemetry');
    expect(row?.budget).toBe(2_500);
    expect(row?.gzip).toBeLessThanOrEqual(row?.budget ?? 0);
  });

  it('works from CJS, with core and the SDK from CJS: an engine of the CJS core is traced', async () => {
    const z = await zenoti();
    const { zenotiTelemetry } = require(dist('index.cjs')) as typeof import('../src/index.ts');
    const core = require('@zenoti-auth/core') as typeof import('@zenoti-auth/core');
    const sdk = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
    const exporter = new sdk.InMemorySpanExporter();
    const tracerProvider = new sdk.BasicTracerProvider({
      spanProcessors: [new sdk.SimpleSpanProcessor(exporter)],
    });
    const telemetry = zenotiTelemetry({ tracerProvider });
    try {
      const auth = new core.ZenotiAuth({ apiKey: D.apiKey, baseUrl: z.url });
      expect((await auth.fetch('/v1/centers')).status).toBe(200);
      expect(
        exporter.getFinishedSpans().map((s) => [s.name, s.attributes['http.response.status_code']]),
      ).toEqual([['GET', 200]]);
    } finally {
      telemetry.disable();
    }
  });
});
