// The one workerd runner of the tests: `startWorkerd` bundles a test's worker (worker-bundle.ts),
// writes a workerd config for its services (workerd-config.ts) and serves it from a temporary
// directory; `serveWorker(s)` serve a worker a test has bundled itself (the demo app's build).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorker, type WorkerBundle } from './worker-bundle.ts';
import { sharingObjects, type WorkerService, workerdConfig } from './workerd-config.ts';

export type { WorkerBundle, WorkerService };
export { sharingObjects };

/** The workerd binary of the pinned `workerd` package (the catalog's version). */
const WORKERD = createRequire(import.meta.url).resolve('workerd/bin/workerd');

export interface Workerd {
  /** The URL of the first service that listens. */
  url: string;
  /** The URL of each service that listens, by service name. */
  urls: Record<string, string>;
  /** Everything workerd printed (stdout + stderr). */
  output(): string;
  /** Stops workerd (SIGTERM, SIGKILL after 3 s). Leaves the directory to its owner. */
  close(): Promise<void>;
}

export interface ServeWorkerOptions {
  /** Path of the workerd binary. @default the binary of the catalog's `workerd` package */
  workerd?: string;
  /** Once workerd listens, wait until GET `healthPath` of every service answers 2xx (up to 50 tries, 100 ms apart). */
  healthPath?: string;
}

/**
 * Serves `dir/worker.js` with `workerd serve`, text bindings and an `internet` network service that may
 * reach loopback (the mock Zenoti). Writes `dir/config.capnp`. Listens on 127.0.0.1 and a port workerd
 * picks, reported on its control descriptor. Gives up after 15 s.
 */
export function serveWorker(
  dir: string,
  bindings: Record<string, string>,
  options: ServeWorkerOptions = {},
): Promise<Workerd> {
  return serveWorkers(dir, [{ name: 'main', bindings }], options);
}

/**
 * Serves several worker services of `dir/worker.js` in one workerd (see `WorkerService`): each is its
 * own isolate with its own module memory, and may define the Durable Object namespace the others bind.
 * Every service that listens gets a port workerd picks; gives up after 15 s.
 */
export async function serveWorkers(
  dir: string,
  services: readonly WorkerService[],
  options: ServeWorkerOptions = {},
): Promise<Workerd> {
  writeFileSync(join(dir, 'config.capnp'), workerdConfig(services));
  const listening = services.filter((s) => s.listen !== false).map((s) => s.name);
  const child: ChildProcess = spawn(
    options.workerd ?? WORKERD,
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
    const ports = await new Promise<Record<string, number>>((resolve, reject) => {
      const found: Record<string, number> = {};
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
          if (event.event === 'listen' && event.socket && event.port) found[event.socket] = event.port;
        }
        if (listening.every((name) => found[name])) {
          clearTimeout(timer);
          resolve(found);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`workerd exited with ${code}:\n${output}`));
      });
    });
    const urls = Object.fromEntries(listening.map((name) => [name, `http://127.0.0.1:${ports[name]}`]));
    if (options.healthPath !== undefined) {
      for (const url of Object.values(urls)) {
        for (let attempt = 0; ; attempt++) {
          try {
            if ((await fetch(`${url}${options.healthPath}`)).ok) break;
          } catch (error) {
            if (attempt >= 50) throw error;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    }
    return { url: urls[listening[0] as string] as string, urls, output: () => output, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export interface StartWorkerdOptions extends ServeWorkerOptions {
  /** The worker every service runs, bundled into the temporary directory. */
  bundle: WorkerBundle;
  /** Its services: one (`[{ name: 'main', bindings }]`) or several isolates of one deployment. */
  services: readonly WorkerService[];
}

/**
 * Bundles `bundle` into a temporary directory, serves it there as `services` (see `serveWorkers`),
 * and removes the directory when workerd is closed, or at once when bundling or starting fails.
 */
export async function startWorkerd(options: StartWorkerdOptions): Promise<Workerd> {
  const dir = mkdtempSync(join(tmpdir(), 'zenoti-workerd-'));
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    await bundleWorker(options.bundle, join(dir, 'worker.js'));
    const workerd = await serveWorkers(dir, options.services, options);
    return {
      ...workerd,
      close: async () => {
        await workerd.close();
        removeDir();
      },
    };
  } catch (error) {
    removeDir();
    throw error;
  }
}

/**
 * The test worker of a package, by the tests' convention: `workers/worker.ts` beside the test module
 * `testModule` (its `import.meta.url`), with `packageName` mapped to the package's built
 * `../dist/index.mjs`, so that the worker runs what users install.
 */
export function packageTestWorker(
  testModule: string,
  packageName: string,
  platform?: WorkerBundle['platform'],
): WorkerBundle {
  const testDir = dirname(fileURLToPath(testModule));
  return {
    entry: join(testDir, 'workers', 'worker.ts'),
    alias: { [packageName]: join(testDir, '..', 'dist', 'index.mjs') },
    ...(platform ? { platform } : {}),
  };
}
