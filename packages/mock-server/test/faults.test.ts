import { describe, expect, it } from 'vitest';
import { createMockZenotiApp } from '../src/index.ts';
import { apikey, call, employeeGrant, postToken, startMock } from './helpers.ts';

const centers = (mock: Parameters<typeof call>[0]) => call(mock, '/v1/centers', apikey());

describe('fault injection', () => {
  it('answers the next call with an injected status and JSON error body, then recovers', async () => {
    const mock = await startMock();
    mock.control.injectFault('token', { kind: 'status', status: 503 });
    const faulted = await postToken(mock, employeeGrant());
    expect(faulted.status).toBe(503);
    expect(faulted.headers.get('content-type')).toMatch(/^application\/json/);
    expect(faulted.body).toEqual({ error: { code: 503, message: 'The service is unavailable.' } });
    expect((await postToken(mock, employeeGrant())).status).toBe(200);
    expect(mock.control.counters().token).toMatchObject({ total: 2, faulted: 1, password: { ok: 1 } });
  });

  it('answers an injected 401 with the denial body, and uses a given body and headers verbatim', async () => {
    const mock = await startMock();
    mock.control.injectFault('resource', { kind: 'status', status: 401 });
    mock.control.injectFault('resource', {
      kind: 'status',
      status: 502,
      body: '{"oops":true}',
      headers: { 'x-upstream': 'gateway' },
    });
    expect((await centers(mock)).body).toEqual({
      Message: 'Authorization has been denied for this request.',
    });
    const custom = await centers(mock);
    expect(custom.status).toBe(502);
    expect(custom.body).toEqual({ oops: true });
    expect(custom.headers.get('x-upstream')).toBe('gateway');
  });

  it('applies a fault to exactly `times` calls of its endpoint only', async () => {
    const mock = await startMock();
    mock.control.injectFault('resource', { kind: 'status', status: 500 }, 3);
    expect((await postToken(mock, employeeGrant())).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await centers(mock)).status);
    expect(statuses).toEqual([500, 500, 500, 200]);
    expect(mock.control.counters().resources).toEqual({
      total: 4,
      byStatus: { '200': 1 },
      faulted: 3,
      deadToken: 0,
    });
  });

  it("queues faults first in, first out, and 'any' matches every endpoint", async () => {
    const mock = await startMock();
    mock.control.injectFault('any', { kind: 'status', status: 502 });
    mock.control.injectFault('any', { kind: 'status', status: 503 });
    expect((await centers(mock)).status).toBe(502);
    expect((await postToken(mock, employeeGrant())).status).toBe(503);
    expect((await centers(mock)).status).toBe(200);
  });

  it('clearFaults() drops every pending fault', async () => {
    const mock = await startMock();
    mock.control.injectFault('resource', { kind: 'status', status: 500 }, 10);
    mock.control.clearFaults();
    expect((await centers(mock)).status).toBe(200);
  });

  it('hangs until the client gives up, then serves the next call', async () => {
    const mock = await startMock();
    mock.control.injectFault('token', { kind: 'hang' });
    const started = performance.now();
    const hung = fetch(`${mock.url}/v1/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(employeeGrant()),
      signal: AbortSignal.timeout(150),
    });
    await expect(hung).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect((await postToken(mock, employeeGrant())).status).toBe(200);
    expect(mock.control.counters().token.faulted).toBe(1);
  });

  it('releases a hanging request when the server closes, and close() resolves promptly', async () => {
    const mock = await startMock();
    mock.control.injectFault('resource', { kind: 'hang' });
    const hung = fetch(`${mock.url}/v1/centers`, apikey());
    const outcome = hung.then(
      () => 'answered',
      (error: Error) => error.name,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await mock.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await outcome).toBe('TypeError');
  });

  it('drops the connection so that fetch fails with a network error', async () => {
    const mock = await startMock();
    mock.control.injectFault('token', { kind: 'drop' });
    await expect(postToken(mock, employeeGrant())).rejects.toThrow(TypeError);
    expect((await postToken(mock, employeeGrant())).status).toBe(200);
    expect(mock.control.requests().map((r) => r.status)).toEqual([0, 200]);
  });

  it('answers a raw fault with exactly the given status, body and content type', async () => {
    const mock = await startMock();
    mock.control.injectFault('token', { kind: 'raw', body: '{"credentials": {"access_tok' });
    mock.control.injectFault('token', {
      kind: 'raw',
      status: 502,
      contentType: 'text/html',
      body: '<h1>Bad Gateway</h1>',
    });
    const truncated = await fetch(`${mock.url}/v1/tokens`, { method: 'POST', body: '{}' });
    expect(truncated.status).toBe(200);
    expect(truncated.headers.get('content-type')).toBe('application/json');
    expect(await truncated.text()).toBe('{"credentials": {"access_tok');
    const html = await fetch(`${mock.url}/v1/tokens`, { method: 'POST', body: '{}' });
    expect(html.status).toBe(502);
    expect(html.headers.get('content-type')).toBe('text/html');
    expect(await html.text()).toBe('<h1>Bad Gateway</h1>');
  });

  it('rejects malformed faults and times at injection', async () => {
    const mock = await startMock();
    // @ts-expect-error: testing a bad kind from untyped callers
    expect(() => mock.control.injectFault('token', { kind: 'explode' })).toThrow(/fault.kind/);
    expect(() => mock.control.injectFault('token', { kind: 'hang' }, 0)).toThrow(/times/);
    // @ts-expect-error: testing a bad endpoint from untyped callers
    expect(() => mock.control.injectFault('tokens', { kind: 'hang' })).toThrow(/endpoint/);
  });

  it('rejects app.request() with an error for a drop fault (no socket to destroy)', async () => {
    const { app, control } = createMockZenotiApp();
    control.injectFault('resource', { kind: 'drop' });
    await expect(app.request('/v1/centers', apikey())).rejects.toThrow(/drop/);
    const res = await app.request('/v1/centers', apikey());
    expect(res.status).toBe(200);
  });
});

describe('latency', () => {
  it('delays only the chosen endpoint', async () => {
    const mock = await startMock();
    mock.control.setLatency(300, 'token');
    let started = performance.now();
    expect((await postToken(mock, employeeGrant())).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    started = performance.now();
    expect((await centers(mock)).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(250);
  });

  it('delays every answer with the latencyMs option', async () => {
    const mock = await startMock({ latencyMs: 120 });
    const started = performance.now();
    await centers(mock);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });
});
