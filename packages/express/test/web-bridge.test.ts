import type { Request as ExpressRequest, Response as ExpressResponse } from 'express';
import { describe, expect, it } from 'vitest';
import { clientSignal } from '../src/request-signal.ts';
import { toWebRequest } from '../src/web-request.ts';
import { sendWebResponse } from '../src/web-response.ts';
import { EXPRESS_VERSIONS } from './frameworks.ts';
import { listen, until } from './support.ts';

// The bridge every neutral handler is served through: an Express request as a Fetch API Request
// (URL with the mount path, headers, body streamed or as a body parser left it, the client's
// signal), and a Fetch API Response sent back as it streams.

/** Answers what the Web Request looked like: method, URL, a header, the body as text. */
async function describeRequest(req: ExpressRequest, res: ExpressResponse): Promise<void> {
  const request = toWebRequest(req, clientSignal(res));
  const body = request.body ? await request.text() : null;
  await sendWebResponse(
    res,
    Response.json({
      method: request.method,
      url: request.url,
      type: request.headers.get('content-type'),
      length: request.headers.get('content-length'),
      body,
    }),
  );
}

describe.each(EXPRESS_VERSIONS)('the Web Request/Response bridge on %s', (_version, express) => {
  it('gives the URL as received (mount path and query), every header, and the body streamed', async () => {
    const app = express();
    app.use('/mounted', (req, res) => void describeRequest(req, res));
    const url = await listen(app);
    const res = await fetch(`${url}/mounted/v1/centers?page=2`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-extra': 'yes' },
      body: 'x'.repeat(100_000),
    });
    const seen = (await res.json()) as Record<string, unknown>;
    expect(seen).toMatchObject({
      method: 'POST',
      url: `${url}/mounted/v1/centers?page=2`,
      type: 'text/plain',
    });
    expect(seen.body).toBe('x'.repeat(100_000));
  });

  it('gives the body a body parser already read, encoded again (JSON and forms)', async () => {
    const app = express();
    app.use(express.json(), express.urlencoded({ extended: false }));
    app.post('/echo', (req, res) => void describeRequest(req, res));
    const url = await listen(app);
    const json = await fetch(`${url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'p' }),
    });
    expect(await json.json()).toMatchObject({ body: '{"username":"alice","password":"p"}', length: null });
    const form = await fetch(`${url}/echo`, {
      method: 'POST',
      body: new URLSearchParams({ username: 'alice', password: 'p&q' }),
    });
    expect(await form.json()).toMatchObject({ body: 'username=alice&password=p%26q' });
  });

  it('sends status, headers and each Set-Cookie apart; streams a large body with backpressure', async () => {
    const app = express();
    const chunk = new Uint8Array(64 * 1024).fill(97);
    app.get('/big', (_req, res) => {
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ === 160)
            controller.close(); // 10 MiB
          else controller.enqueue(chunk);
        },
      });
      const headers = new Headers({ 'content-type': 'text/plain', 'x-zenoti': 'relayed' });
      headers.append('set-cookie', 'a=1; Path=/');
      headers.append('set-cookie', 'b=2; Path=/');
      void sendWebResponse(res, new Response(body, { status: 203, headers }));
    });
    const res = await fetch(`${await listen(app)}/big`);
    expect(res.status).toBe(203);
    expect(res.headers.get('x-zenoti')).toBe('relayed');
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect((await res.arrayBuffer()).byteLength).toBe(160 * 64 * 1024);
  });

  it("cancels the body's source when the client leaves midway, and aborts the request's signal", async () => {
    const app = express();
    let cancelled = false;
    let signal: AbortSignal | undefined;
    app.get('/endless', (req, res) => {
      signal = toWebRequest(req, clientSignal(res)).signal;
      const body = new ReadableStream<Uint8Array>({
        pull: (controller) => controller.enqueue(new Uint8Array(16 * 1024)),
        cancel: () => {
          cancelled = true;
        },
      });
      void sendWebResponse(res, new Response(body));
    });
    const leaving = new AbortController();
    const res = await fetch(`${await listen(app)}/endless`, { signal: leaving.signal });
    const reader = res.body?.getReader();
    await reader?.read();
    leaving.abort();
    expect(await until(() => cancelled)).toBe(true);
    expect(signal?.aborted).toBe(true);
  });
});
