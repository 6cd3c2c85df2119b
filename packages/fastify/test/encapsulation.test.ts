import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { zenotiAuth } from '../src/index.ts';
import { apiKeyOptions, callsTo, D, fastify, listen, zenoti } from './support.ts';

// Where `request.zenoti` is seen follows Fastify's encapsulation: zenotiAuth runs in the context it is
// registered in (not in a child of its own), so that context and the contexts inside it see it; a
// sibling context and the parent do not, nor does any of their hooks or routes.

/** GET <path>: whether this context has the decorator, and which scheme the request's credential has. */
function reportRoute(instance: FastifyInstance, path: string): void {
  instance.get(path, async (request) => ({
    decorated: instance.hasRequestDecorator('zenoti'),
    scheme: request.zenoti ? (await request.zenoti.authorization()).split(' ')[0] : null,
    key: request.zenoti ? (await request.zenoti.authorization()).slice(-4) : null,
  }));
}

describe('zenotiAuth and encapsulation (real HTTP)', () => {
  it('is seen in its context and the ones inside it; not in a sibling context nor in the parent', async () => {
    const z = await zenoti();
    const app = fastify();
    reportRoute(app, '/root');
    await app.register(
      async (zenotiContext) => {
        await zenotiContext.register(zenotiAuth, apiKeyOptions(z.url));
        reportRoute(zenotiContext, '/here');
        await zenotiContext.register(async (inner) => reportRoute(inner, '/inside'), { prefix: '/inner' });
      },
      { prefix: '/with' },
    );
    await app.register(async (sibling) => reportRoute(sibling, '/sibling'), { prefix: '/without' });
    const url = await listen(app);
    const get = async (path: string) => (await fetch(`${url}${path}`)).json();

    const withKey = { decorated: true, scheme: 'apikey', key: D.apiKey.slice(-4) };
    expect(await get('/with/here')).toEqual(withKey);
    expect(await get('/with/inner/inside')).toEqual(withKey);
    const without = { decorated: false, scheme: null, key: null };
    expect(await get('/without/sibling')).toEqual(without);
    expect(await get('/root')).toEqual(without);
    expect(app.hasRequestDecorator('zenoti')).toBe(false);
  });

  it('registered at the root, it reaches every context; a nested registration overrides it inside', async () => {
    const z = await zenoti();
    const app = fastify();
    await app.register(zenotiAuth, apiKeyOptions(z.url));
    reportRoute(app, '/root');
    await app.register(
      async (other) => {
        await other.register(zenotiAuth, { baseUrl: z.url, apiKey: D.other.apiKey });
        reportRoute(other, '/here');
      },
      { prefix: '/other' },
    );
    await app.register(async (child) => reportRoute(child, '/here'), { prefix: '/child' });
    const url = await listen(app);
    const get = async (path: string) => (await fetch(`${url}${path}`)).json();

    expect(app.hasRequestDecorator('zenoti')).toBe(true);
    expect(await get('/root')).toMatchObject({ scheme: 'apikey', key: D.apiKey.slice(-4) });
    expect(await get('/child/here')).toMatchObject({ scheme: 'apikey', key: D.apiKey.slice(-4) });
    expect(await get('/other/here')).toMatchObject({ scheme: 'apikey', key: D.other.apiKey.slice(-4) });
    expect(callsTo(z.control)).toEqual([]); // authorization() alone never calls Zenoti with an API key
  });

  it('sets a fresh request.zenoti per request, never one object shared by every request', async () => {
    const z = await zenoti();
    const app = fastify();
    await app.register(zenotiAuth, apiKeyOptions(z.url));
    const seen = new Set<unknown>();
    app.get('/', async (request) => {
      seen.add(request.zenoti);
      return request.zenoti.signal.aborted;
    });
    const url = await listen(app);
    for (let i = 0; i < 3; i++) expect(await (await fetch(url)).text()).toBe('false');
    expect(seen.size).toBe(3);
  });
});
