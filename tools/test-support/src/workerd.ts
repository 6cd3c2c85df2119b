import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Workerd {
  url: string;
  /** Everything workerd printed (stdout + stderr). */
  output(): string;
  /** Stops workerd (SIGTERM, SIGKILL after 3 s). Leaves the directory to its owner. */
  close(): Promise<void>;
}

export interface ServeWorkerOptions {
  /** Path of the workerd binary: the calling package's own `node_modules/workerd/bin/workerd`. */
  workerd: string;
  /** Once workerd listens, wait until GET `healthPath` answers 2xx (up to 50 tries, 100 ms apart). */
  healthPath?: string;
}

const quote = (value: string): string => JSON.stringify(value);

/**
 * Serves `dir/worker.js` with `workerd serve`, text bindings and an `internet` network service that may
 * reach loopback (the mock Zenoti). Writes `dir/config.capnp`. Listens on 127.0.0.1 and a port workerd
 * picks, reported on its control descriptor. Gives up after 15 s.
 */
export async function serveWorker(
  dir: string,
  bindings: Record<string, string>,
  options: ServeWorkerOptions,
): Promise<Workerd> {
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
    options.workerd,
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
      new Promise<boolean>((r) => setTimeout(() => r(false), 3_000)),
    ]);
    if (!killed) {
      child.kill('SIGKILL');
      await exited;
    }
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
    if (options.healthPath !== undefined) {
      for (let attempt = 0; ; attempt++) {
        try {
          if ((await fetch(`${url}${options.healthPath}`)).ok) break;
        } catch (error) {
          if (attempt >= 50) throw error;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return { url, output: () => output, close };
  } catch (error) {
    await close();
    throw error;
  }
}
