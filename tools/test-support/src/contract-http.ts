// HTTP helpers of the proxy and sign-in contracts (proxy-contract.ts, sign-in-contract.ts): requests
// sent byte for byte, a relay that sees which calls to Zenoti a caller abandoned, and a fetch that
// holds calls to Zenoti until a test lets them go. Loopback only.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

/** A running server of a framework under contract: its base URL (`http://127.0.0.1:<port>`). */
export interface ContractServer {
  url: string;
  close(): Promise<void>;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP/1.1 request whose target is sent as written (no URL normalisation: `..`, `\` and
 * absolute-form reach the server), 5 s at most. `localAddress` (127.0.0.2 …) is another client.
 */
export function rawRequest(
  baseUrl: string,
  target: string,
  options: { method?: string; headers?: Record<string, string>; localAddress?: string } = {},
): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        path: target,
        method: options.method ?? 'GET',
        headers: options.headers,
        localAddress: options.localAddress,
        agent: false,
        timeout: 5_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer for ${target}`)));
    req.on('error', reject);
    req.end();
  });
}

/** A relay in front of a Zenoti that tells which requests their caller abandoned. */
export interface WatchedZenoti extends ContractServer {
  /** Paths of the requests whose caller closed the connection before they were answered. */
  abandoned: string[];
}

/**
 * A loopback relay to `target` (the mock Zenoti): a request whose connection closes before its
 * answer is complete was abandoned by the caller — how Zenoti itself sees a client's abort reach it.
 */
export async function watchedZenoti(target: string): Promise<WatchedZenoti> {
  const abandoned: string[] = [];
  const server = createServer(async (req, res) => {
    const upstream = new AbortController();
    res.once('close', () => {
      if (res.writableFinished) return;
      abandoned.push(req.url ?? '');
      upstream.abort();
    });
    try {
      const headers = new Headers();
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i] as string;
        if (!/^(?:host|connection|content-length|transfer-encoding)$/i.test(name))
          headers.append(name, req.rawHeaders[i + 1] as string);
      }
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const answer = await fetch(`${target}${req.url}`, {
        method: req.method ?? 'GET',
        headers,
        body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : null,
        signal: upstream.signal,
        redirect: 'manual',
        ...(hasBody ? { duplex: 'half' } : {}),
      } as RequestInit);
      const relayed: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!/^(?:connection|content-length|content-encoding|transfer-encoding|keep-alive)$/.test(name))
          relayed[name] = value;
      });
      res.writeHead(answer.status, relayed);
      if (answer.body) for await (const chunk of answer.body) res.write(chunk);
      res.end();
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    abandoned,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A `fetch` for an engine that holds every call whose URL contains `path` until `open()`. */
export function heldFetch(path: string): { fetch: typeof fetch; open(): void; held(): number } {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let held = 0;
  const hold: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.includes(path)) {
      held++;
      await gate;
    }
    return fetch(input, init);
  };
  return { fetch: hold, open: () => open(), held: () => held };
}

/** Until `check()` holds, polled every 10 ms, at most `limitMs`: whether it did. */
export async function until(check: () => boolean, limitMs = 3_000): Promise<boolean> {
  const end = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
