import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Env, Hono } from 'hono';
import { closeAfter } from './support.ts';

/** Serves a Hono app with @hono/node-server on 127.0.0.1 and a free port; closed after the test. */
export async function listen<E extends Env>(app: Hono<E>): Promise<number> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  closeAfter({
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return (server.address() as AddressInfo).port;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP/1.1 request whose target is sent byte for byte (no URL normalisation), 5 s at most. */
export function rawRequest(
  port: number,
  target: string,
  options: { method?: string; headers?: Record<string, string>; localAddress?: string } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: target,
        method: options.method ?? 'GET',
        headers: options.headers,
        // Another loopback address (127.0.0.2 …) is another client to the server.
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
            body: Buffer.concat(chunks).toString('utf8'),
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
