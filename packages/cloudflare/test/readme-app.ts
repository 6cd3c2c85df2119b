// The complete Workers app of the Hono README ("A complete Workers app"), as a user copies it: its
// wrangler.jsonc, its secrets and src/index.ts, read from the README's code blocks, bundled with
// esbuild and served by workerd as several isolates of one deployment.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sharingObjects, startWorkerd, type Workerd } from '@zenoti-auth/test-support/workerd';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** The READMEs that show the app; each must show it identically. */
export const READMES = {
  hono: here('../../hono/README.md'),
  cloudflare: here('../README.md'),
} as const;

/** What the README shows of the app. */
export interface WorkersApp {
  /** `wrangler.jsonc`, parsed. */
  wrangler: WranglerConfig;
  /** `wrangler.jsonc` as written (with its comments). */
  wranglerText: string;
  /** The names of `npx wrangler secret put NAME`. */
  secrets: string[];
  /** `src/index.ts`. */
  source: string;
}

export interface WranglerConfig {
  main: string;
  compatibility_date: string;
  vars: Record<string, string>;
  durable_objects: { bindings: { name: string; class_name: string }[] };
  migrations: { tag: string; new_sqlite_classes?: string[]; new_classes?: string[] }[];
}

/** The fenced blocks of a README: language and text. */
function fencedBlocks(markdown: string): { lang: string; text: string }[] {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1] ?? '',
    text: m[2] ?? '',
  }));
}

/** JSON with `//` comments (wrangler.jsonc): comments dropped, strings kept as they are. */
export function parseJsonc(text: string): unknown {
  return JSON.parse(text.replace(/("(?:\\.|[^"\\])*")|\/\/[^\n]*/g, (_, string?: string) => string ?? ''));
}

/** Reads the app from a README: its one `jsonc` block, its `wrangler secret put` lines and its worker. */
export function workersAppOf(readme: string): WorkersApp {
  const blocks = fencedBlocks(readFileSync(readme, 'utf8'));
  const one = (what: string, found: { text: string }[]): string => {
    if (found.length !== 1) throw new Error(`${readme}: ${found.length} ${what} blocks, expected 1`);
    return (found[0] as { text: string }).text;
  };
  const wranglerText = one(
    'wrangler.jsonc',
    blocks.filter((b) => b.lang === 'jsonc' && b.text.includes('"durable_objects"')),
  );
  const secretsText = one(
    'wrangler secret',
    blocks.filter((b) => b.lang === 'sh' && b.text.includes('wrangler secret put')),
  );
  const source = one(
    'worker',
    blocks.filter(
      (b) => b.lang === 'ts' && /export \{ ZenotiAuthObject \}/.test(b.text) && /zenotiSignIn/.test(b.text),
    ),
  );
  return {
    wrangler: parseJsonc(wranglerText) as WranglerConfig,
    wranglerText,
    secrets: [...secretsText.matchAll(/wrangler secret put (\w+)/g)].map((m) => m[1] as string),
    source,
  };
}

/**
 * Serves the app as the isolates `names` of one deployment: the first defines the Durable Object
 * namespace of wrangler.jsonc's binding (and hosts its objects), the others bind that namespace,
 * all with the same text bindings. In a temporary directory removed on close.
 */
export async function serveApp(
  app: WorkersApp,
  names: readonly string[],
  bindings: Record<string, string>,
): Promise<Workerd> {
  const [object] = app.wrangler.durable_objects.bindings;
  if (!object) throw new Error('wrangler.jsonc binds no Durable Object');
  const namespace = { className: object.class_name, binding: object.name };
  const [first, ...others] = names;
  if (!first) throw new Error('no isolate to serve');
  // The app's source as the README shows it, with hono and the built dist of @zenoti-auth/*.
  return startWorkerd({
    bundle: {
      entry: { source: app.source, resolveDir: here('.'), sourcefile: 'src/index.ts' },
      alias: { '@zenoti-auth/cloudflare': here('../dist/index.mjs') },
    },
    services: sharingObjects(
      namespace,
      { name: first, bindings },
      others.map((name) => ({ name, bindings })),
    ),
  });
}
