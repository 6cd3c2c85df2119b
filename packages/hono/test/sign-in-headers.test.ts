import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { type ZenotiAuthEnv, zenotiAuth } from '../src/index.ts';
import { zenotiSignIn } from '../src/sign-in.ts';
import { D, guestApp, zenoti } from './support.ts';

// The sign-in's answers come from @zenoti-auth/core/sign-in as Web Responses; Hono's skin sends them
// as a handler's own c.json() would: with what middleware before it set on the context.

describe('zenotiSignIn() on Hono', () => {
  it('keeps the headers and cookies an earlier middleware set with c.header()', async () => {
    const z = await zenoti();
    const signIn = zenotiSignIn({
      cookie: { secret: 'test-session-secret-0123456789abcdef', secure: false },
    });
    const app = new Hono<ZenotiAuthEnv>();
    app.use(async (c, next) => {
      c.header('x-request-id', 'r-1');
      c.header('set-cookie', 'theme=dark; Path=/', { append: true });
      await next();
    });
    const guests = zenotiAuth({ ...guestApp(z.url), principal: signIn.principal });
    app.post('/auth/login', guests, signIn.login);
    app.post('/auth/logout', guests, signIn.logout);
    const [alice] = D.guests;
    const login = await app.request('/auth/login', {
      method: 'POST',
      body: new URLSearchParams({ username: alice.username, password: alice.password }),
      headers: { origin: 'http://localhost' },
    });
    expect(login.status).toBe(200);
    expect(login.headers.get('x-request-id')).toBe('r-1');
    expect(login.headers.get('content-type')).toMatch(/^application\/json/);
    const cookies = login.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toBe('theme=dark; Path=/');
    expect(cookies[1]).toMatch(/^zenoti_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
    const logout = await app.request('/auth/logout', {
      method: 'POST',
      headers: { origin: 'http://localhost', cookie: (cookies[1] as string).split(';')[0] as string },
    });
    expect(await logout.json()).toEqual({ signedOut: true, revoked: true });
    expect(logout.headers.get('x-request-id')).toBe('r-1');
  });
});
