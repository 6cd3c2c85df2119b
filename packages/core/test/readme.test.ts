import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../src/index.ts';
import { OPTION_NAMES } from '../src/validate.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The README's options table: option name → its default column, as written. */
function optionsTable(): Map<string, string> {
  const section = readme.slice(readme.indexOf('\n## Options') + 1);
  const rows = new Map<string, string>();
  for (const line of section.split('\n').slice(1)) {
    if (line.startsWith('## ')) break;
    const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim()); // `\|` is a pipe inside a cell
    const name = /^`(\w+)`$/.exec(cells[1] ?? '')?.[1];
    if (name) rows.set(name, cells[3] ?? '');
  }
  return rows;
}

/** Numbers as the README writes them (`300000`, `300_000`, `30 000`) are read the same. */
const digits = (text: string): string => text.replace(/(\d)[_ ,](?=\d)/g, '$1');

describe('the README documents the options', () => {
  const table = optionsTable();

  it('lists every option the constructor takes, and no other', () => {
    expect([...table.keys()].sort()).toEqual([...OPTION_NAMES].sort());
  });

  it('gives the defaults that DEFAULTS holds', () => {
    for (const name of ['refreshWindowMs', 'timeoutMs', 'credentialsCooldownMs'] as const)
      expect(digits(table.get(name) ?? ''), name).toContain(String(DEFAULTS[name]));
    expect(table.get('baseUrl')).toContain(DEFAULTS.baseUrl);
    for (const [group, values] of [
      ['retry', DEFAULTS.retry],
      ['rateLimit', DEFAULTS.rateLimit],
    ] as const)
      expect(digits(table.get(group) ?? '')).toBe(`\`{ ${Object.values(values).join(', ')} }\``);
    expect(table.get('shareInFlight')).toContain(`\`${DEFAULTS.shareInFlight}\``);
  });
});

describe('the README documents what Zenoti leaves open', () => {
  it('lists every error code, and the token endpoint’s final error codes', async () => {
    const { ERROR_ANSWERS } = await import('../src/http.ts');
    const { FINAL_TOKEN_ERROR_CODES } = await import('../src/index.ts');
    const errors = readme.slice(readme.indexOf('## Errors'), readme.indexOf('## Events'));
    for (const code of Object.keys(ERROR_ANSWERS)) expect(errors, code).toContain(`| \`${code}\``);
    for (const code of Object.keys(FINAL_TOKEN_ERROR_CODES)) expect(errors, code).toContain(code);
  });

  it('says only api.zenoti.com is confirmed, and how to reach other hosts', () => {
    const regions = readme.slice(readme.indexOf('### Regions'), readme.indexOf('## How tokens'));
    expect(regions).toContain('Only `https://api.zenoti.com` is confirmed by Zenoti');
    expect(regions).toContain('must be confirmed with Zenoti');
    expect(regions).toContain('`allowedOrigins`');
  });
});
