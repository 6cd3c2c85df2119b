import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** Bundles test/workers/worker.ts for workerd: hono, @zenoti-auth/core and the built dist of this package. */
export async function bundleWorker(outfile: string): Promise<void> {
  await build({
    entryPoints: [here('./workers/worker.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    alias: { '@zenoti-auth/hono': here('../dist/index.mjs') },
    logLevel: 'silent',
  });
}

export interface Workerd {
  url: string;
  /** Everything workerd printed (stdout + stderr). */
  output(): string;
  close(): Promise<void>;
}

function quote(value: string): string {
  return JSON.stringify(value);
}

/**
 * Starts `workerd serve` with the bundled worker, text bindings and an `internet` network service
 * that may reach loopback (the mock Zenoti). Listens on 127.0.0.1 and a port workerd picks,
 * reported on its control descriptor. Gives up after 15 s.
 */
export async function startWorkerd(bindings: Record<string, string>): Promise<Workerd> {
  const dir = mkdtempSync(join(tmpdir(), 'zenoti-hono-workerd-'));
  await bundleWorker(join(dir, 'worker.js'));
  const config = `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private", "local"], tlsOptions = (trustBrowserCas = true))),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);

const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "2025-09-01",
  bindings = [
${Object.entries(bindings)
  .map(([name, value]) => `    (name = ${quote(name)}, text = ${quote(value)}),`)
  .join('\n')}
  ],
  globalOutbound = "internet",
);
`;
  writeFileSync(join(dir, 'config.capnp'), config);
  const child: ChildProcess = spawn(
    here('../node_modules/workerd/bin/workerd'),
    ['serve', join(dir, 'config.capnp'), '--control-fd', '3'],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killed = await Promise.race([
      exited.then(() => true),
      new Promise((r) => setTimeout(() => r(false), 3_000)),
    ]);
    if (!killed) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`workerd did not start within 15 s:\n${output}`)),
        15_000,
      );
      let control = '';
      child.stdio[3]?.on('data', (chunk: Buffer) => {
        control += chunk.toString();
        const lines = control.split('\n');
        control = lines.pop() ?? ''; // keep a partial last line for the next chunk
        for (const line of lines) {
          const event = line.trim()
            ? (JSON.parse(line) as { event?: string; socket?: string; port?: number })
            : {};
          if (event.event === 'listen' && event.socket === 'http' && event.port) {
            clearTimeout(timer);
            resolve(event.port);
          }
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`workerd exited with ${code}:\n${output}`));
      });
    });
    const url = `http://127.0.0.1:${port}`;
    for (let attempt = 0; ; attempt++) {
      try {
        if ((await fetch(`${url}/health`)).ok) break;
      } catch (error) {
        if (attempt >= 50) throw error;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return { url, output: () => output, close };
  } catch (error) {
    await close();
    throw error;
  }
}
