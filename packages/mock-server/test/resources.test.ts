import { describe, expect, it } from 'vitest';
import { apikey, bearer, call, D, guestGrant, login, startMock, statusWith } from './helpers.ts';

const DENIED = { Message: 'Authorization has been denied for this request.' };
const DAY = 86_400_000;

describe('authorization on resource endpoints', () => {
  it('accepts a live API key and a live bearer token', async () => {
    const mock = await startMock();
    const { access_token } = await login(mock);
    expect(await statusWith(mock, `apikey ${D.apiKey}`)).toBe(200);
    expect(await statusWith(mock, `bearer ${access_token}`)).toBe(200);
    expect(await statusWith(mock, `apikey ${D.other.apiKey}`)).toBe(200);
  });

  it('treats the scheme word case-insensitively by default', async () => {
    const mock = await startMock();
    const { access_token } = await login(mock);
    expect(await statusWith(mock, `APIKEY ${D.apiKey}`)).toBe(200);
    expect(await statusWith(mock, `ApiKey ${D.apiKey}`)).toBe(200);
    expect(await statusWith(mock, `Bearer ${access_token}`)).toBe(200);
  });

  it('with strictScheme, accepts only the lower-case scheme words', async () => {
    const mock = await startMock({ strictScheme: true });
    const { access_token } = await login(mock);
    expect(await statusWith(mock, `Bearer ${access_token}`)).toBe(401);
    expect(await statusWith(mock, `ApiKey ${D.apiKey}`)).toBe(401);
    expect(await statusWith(mock, `bearer  ${access_token}`)).toBe(401);
    expect(await statusWith(mock, `bearer ${access_token}`)).toBe(200);
    expect(await statusWith(mock, `apikey ${D.apiKey}`)).toBe(200);
  });

  it('answers 401 with the ASP.NET denial body for a missing, bare, unknown or mis-schemed credential', async () => {
    const mock = await startMock();
    const { access_token } = await login(mock);
    for (const header of [
      undefined,
      D.apiKey,
      `apikey ${'0'.repeat(64)}`,
      `bearer ${D.apiKey}`,
      `apikey ${access_token}`,
      `basic ${D.apiKey}`,
    ]) {
      const answer = await call(
        mock,
        '/v1/centers',
        header === undefined ? {} : { headers: { authorization: header } },
      );
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(DENIED);
    }
  });

  it('keeps a rotated API key working for the grace period only', async () => {
    const mock = await startMock();
    const newKey = mock.control.rotateApiKey(D.accountName, D.apiKey);
    expect(newKey).toMatch(/^[0-9a-f]{64}$/);
    expect(await statusWith(mock, `apikey ${newKey}`)).toBe(200);
    mock.control.advanceTime(7 * DAY - 1);
    expect(await statusWith(mock, `apikey ${D.apiKey}`)).toBe(200);
    mock.control.advanceTime(1);
    expect(await statusWith(mock, `apikey ${D.apiKey}`)).toBe(401);
    expect(await statusWith(mock, `apikey ${newKey}`)).toBe(200);
  });

  it('honours apiKeyRotationGraceMs and refuses to rotate a key of another account', async () => {
    const mock = await startMock({ apiKeyRotationGraceMs: 1_000 });
    expect(() => mock.control.rotateApiKey(D.other.accountName, D.apiKey)).toThrow(/not a live key/);
    mock.control.rotateApiKey(D.accountName, D.apiKey);
    mock.control.advanceTime(1_000);
    expect(await statusWith(mock, `apikey ${D.apiKey}`)).toBe(401);
  });

  it('answers 401 for a revoked API key', async () => {
    const mock = await startMock();
    mock.control.revokeApiKey(D.apiKey);
    expect(await statusWith(mock, `apikey ${D.apiKey}`)).toBe(401);
    expect(await statusWith(mock, `apikey ${D.other.apiKey}`)).toBe(200);
    expect(() => mock.control.revokeApiKey(D.apiKey)).toThrow(/unknown API key/);
  });
});

describe('guest tokens', () => {
  it('read their own guest record only', async () => {
    const mock = await startMock();
    const alice = await login(mock, guestGrant(0));
    const own = await call(mock, `/v1/guests/${D.guests[0].guestId}`, bearer(alice.access_token));
    expect(own.status).toBe(200);
    expect(own.body.id).toBe(D.guests[0].guestId);
    expect(own.body.personal_info.email).toBe(D.guests[0].username);

    const forbidden = { error: { code: 438, message: 'user does not have authorization.' } };
    const other = await call(mock, `/v1/guests/${D.guests[1].guestId}`, bearer(alice.access_token));
    expect(other.status).toBe(403);
    expect(other.body).toEqual(forbidden);
    const search = await call(mock, '/v1/guests/search?first_name=bob', bearer(alice.access_token));
    expect(search.status).toBe(403);
    expect(search.body).toEqual(forbidden);
    expect(await statusWith(mock, `bearer ${alice.access_token}`, '/v1/centers')).toBe(200);
  });

  it('employee tokens and API keys read any guest and search', async () => {
    const mock = await startMock();
    const employee = await login(mock);
    for (const init of [bearer(employee.access_token), apikey()]) {
      const bob = await call(mock, `/v1/guests/${D.guests[1].guestId}`, init);
      expect(bob.status).toBe(200);
      const search = await call(mock, '/v1/guests/search?first_name=BOB', init);
      expect(search.status).toBe(200);
      expect(search.body.guests.map((g: { id: string }) => g.id)).toEqual([D.guests[1].guestId]);
    }
  });
});

describe('demo resources', () => {
  it('lists three centres with Zenoti fields', async () => {
    const mock = await startMock();
    const answer = await call(mock, '/v1/centers', apikey());
    expect(answer.status).toBe(200);
    expect(answer.body.page_info).toEqual({ total: 3, page: 1, size: 10 });
    expect(answer.body.error).toBeNull();
    expect(answer.body.centers).toHaveLength(3);
    for (const center of answer.body.centers) {
      expect(center.id).toMatch(/^[0-9a-f-]{36}$/);
      for (const field of [
        'code',
        'name',
        'display_name',
        'address_info',
        'contact_info',
        'currency',
        'country',
      ]) {
        expect(center).toHaveProperty(field);
      }
    }
    const again = await call(mock, '/v1/centers', apikey());
    expect(again.body).toEqual(answer.body);
  });

  it('paginates services with page and size (defaults 1 and 10)', async () => {
    const mock = await startMock();
    const centers = await call(mock, '/v1/centers', apikey());
    const id = centers.body.centers[0].id as string;
    const first = await call(mock, `/v1/centers/${id}/services`, apikey());
    expect(first.body.page_info).toEqual({ total: 25, page: 1, size: 10 });
    expect(first.body.services).toHaveLength(10);
    expect(first.body.services[0].price_info).toMatchObject({ currency_id: 148, include_tax: false });
    const last = await call(mock, `/v1/centers/${id}/services?page=3&size=10`, apikey());
    expect(last.body.services).toHaveLength(5);
    expect(last.body.page_info).toEqual({ total: 25, page: 3, size: 10 });
    const all = await call(mock, `/v1/centers/${id}/services?size=100`, apikey());
    expect(all.body.services).toHaveLength(25);
    expect(new Set(all.body.services.map((s: { id: string }) => s.id)).size).toBe(25);
  });

  it("answers size > 100 with status 400 and Zenoti's documented 422 body", async () => {
    const mock = await startMock();
    const answer = await call(mock, '/v1/guests/search?size=101', apikey());
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ code: 422, message: 'You cannot request more than 100 items.' });
    expect((await call(mock, '/v1/guests/search?size=0', apikey())).status).toBe(400);
    expect((await call(mock, '/v1/guests/search?page=x', apikey())).status).toBe(400);
  });

  it('serves about thirty guests through search', async () => {
    const mock = await startMock();
    const answer = await call(mock, '/v1/guests/search?size=100', apikey());
    expect(answer.body.page_info.total).toBe(30);
    expect(answer.body.guests[0].personal_info).toHaveProperty('mobile_phone');
  });

  it('matches paths case-insensitively, as the docs write /v1/Centers', async () => {
    const mock = await startMock();
    const centers = await call(mock, '/v1/centers', apikey());
    const id = (centers.body.centers[1].id as string).toUpperCase();
    const center = await call(mock, `/V1/Centers/${id}`, apikey());
    expect(center.status).toBe(200);
    expect(center.body.center.id).toBe(id.toLowerCase());
    expect((await call(mock, `/v1/CENTERS/${id}/Services/`, apikey())).status).toBe(200);
    expect((await call(mock, `/V1/GUESTS/${D.guests[0].guestId.toUpperCase()}`, apikey())).status).toBe(200);
  });

  it('answers 404 with an error body for unknown ids and paths', async () => {
    const mock = await startMock();
    const center = await call(mock, '/v1/centers/00000000-0000-0000-0000-000000000000', apikey());
    expect(center.status).toBe(404);
    expect(center.body.error.message).toBe('Invalid center_id.');
    const guest = await call(mock, '/v1/guests/00000000-0000-0000-0000-000000000000', apikey());
    expect(guest.status).toBe(404);
    expect(guest.body.error.message).toBe('Invalid guest_id.');
    expect((await call(mock, '/v1/nothing-here', apikey())).status).toBe(404);
  });
});
