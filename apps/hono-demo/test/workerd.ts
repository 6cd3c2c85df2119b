import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WORKERD = fileURLToPath(new URL('../node_modules/workerd/bin/workerd', import.meta.url));

/**
 * Serves `dir/worker.js` with workerd on 127.0.0.1 (a port it picks, read from its control fd),
 * text bindings, and an `internet` service that may reach loopback. Gives up after 15 s.
 */
export async function serveWorker(
  dir: string,
  bindings: Record<string, string>,
): Promise<{ url: string; output(): string; close(): Promise<void> }> {
  const list = Object.entries(bindings)
    .map(([name, value]) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(value)})`)
    .join(', ');
  writeFileSync(
    join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
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
  bindings = [ ${list} ],
  globalOutbound = "internet",
);
`,
  );
  const child = spawn(WORKERD, ['serve', join(dir, 'config.capnp'), '--control-fd', '3'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const done = await Promise.race([
      exited.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), 3_000)),
    ]);
    if (!done) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`workerd did not start in 15 s:\n${output}`)), 15_000);
      let pending = '';
      child.stdio[3]?.on('data', (d: Buffer) => {
        const lines = (pending + d.toString()).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          const event = JSON.parse(line) as { event?: string; port?: number };
          if (event.event === 'listen' && event.port) {
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
    return { url: `http://127.0.0.1:${port}`, output: () => output, close };
  } catch (error) {
    await close();
    throw error;
  }
}
