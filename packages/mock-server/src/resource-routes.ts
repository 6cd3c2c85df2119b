import type { Context, Hono } from 'hono';
import { readAuthorizationHeader } from './authorization.ts';
import { CENTERS, GUESTS, type Guest, SERVICES_BY_CENTER } from './data.ts';
import { authenticate, chargeRateLimit, type Principal } from './guard.ts';
import { denied, errorResponse } from './responses.ts';
import type { MockState } from './state.ts';

const MAX_SIZE = 100;

type Paging = { page: number; size: number };

/** `page` (default 1) and `size` (default 10, at most 100) — or the 400 answer. */
function paging(c: Context): Paging | Response {
  const read = (name: string, fallback: number): number | undefined => {
    const raw = c.req.query(name);
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    return Number.isInteger(n) && n >= 1 ? n : undefined;
  };
  const page = read('page', 1);
  const size = read('size', 10);
  if (page === undefined) return errorResponse(c, 400, "'page' must be a whole number ≥ 1.");
  if (size === undefined) return errorResponse(c, 400, "'size' must be a whole number ≥ 1.");
  // Zenoti documents this body for size > 100; it is not wrapped in `error`.
  if (size > MAX_SIZE) return c.json({ code: 422, message: 'You cannot request more than 100 items.' }, 400);
  return { page, size };
}

function paged<T>(
  items: readonly T[],
  { page, size }: Paging,
): { items: T[]; page_info: Record<string, number> } {
  return {
    items: items.slice((page - 1) * size, page * size),
    page_info: { total: items.length, page, size },
  };
}

const NO_AUTHORIZATION = 'user does not have authorization.';

/** A guest token reads only its own guest record; employees' tokens and API keys read any. */
function forbiddenGuestRead(principal: Principal, guestId: string | undefined): boolean {
  if (principal.kind !== 'bearer' || principal.owner.userType !== 'Guest') return false;
  return guestId === undefined || principal.owner.guestId?.toLowerCase() !== guestId.toLowerCase();
}

function matches(value: string | null | undefined, wanted: string | undefined): boolean {
  return wanted === undefined || wanted === '' || (value ?? '').toLowerCase().includes(wanted.toLowerCase());
}

function searchGuests(c: Context): Guest[] {
  const q = (name: string): string | undefined => c.req.query(name);
  const centerId = q('center_id')?.toLowerCase();
  const phone = q('phone')?.replace(/\D/g, '');
  const tags = q('tags')?.toLowerCase();
  return GUESTS.filter(
    (g) =>
      (!centerId || g.center_id === centerId) &&
      matches(g.personal_info.first_name, q('first_name')) &&
      matches(g.personal_info.last_name, q('last_name')) &&
      matches(g.personal_info.email, q('email')) &&
      matches(g.personal_info.user_name, q('user_name')) &&
      matches(g.address_info.zip_code, q('zip_code')) &&
      (!q('user_code') || g.code.toLowerCase() === q('user_code')?.toLowerCase()) &&
      (!phone || g.personal_info.mobile_phone.number.includes(phone)) &&
      (!tags || tags.split(',').every((t) => g.tags.includes(t.trim()))),
  );
}

/** The demo resources: centres, their services and guests, behind Zenoti's authorisation rules. */
export function registerResourceRoutes(app: Hono, state: MockState): void {
  const guarded =
    (handler: (c: Context, principal: Principal) => Response) =>
    (c: Context): Response => {
      const header = c.req.header('authorization');
      const principal = authenticate(state, header);
      if (!principal) {
        if (readAuthorizationHeader(header, false)?.scheme === 'bearer')
          state.counters.live.resources.deadToken++;
        return denied(c);
      }
      return chargeRateLimit(c, state, principal.accountName) ?? handler(c, principal);
    };
  const centerOf = (c: Context) => CENTERS.find((center) => center.id === c.req.param('id')?.toLowerCase());

  app.get(
    '/v1/centers',
    guarded((c) => {
      const p = paging(c);
      if (p instanceof Response) return p;
      const { items, page_info } = paged(CENTERS, p);
      return c.json({ centers: items, requested_centers: null, page_info, error: null }, 200);
    }),
  );

  app.get(
    '/v1/centers/:id',
    guarded((c) => {
      const center = centerOf(c);
      if (!center) return errorResponse(c, 404, 'Invalid center_id.', 502);
      return c.json({ center, error: null }, 200);
    }),
  );

  app.get(
    '/v1/centers/:id/services',
    guarded((c) => {
      const center = centerOf(c);
      if (!center) return errorResponse(c, 404, 'Invalid center_id.', 502);
      const p = paging(c);
      if (p instanceof Response) return p;
      const { items, page_info } = paged(SERVICES_BY_CENTER.get(center.id) ?? [], p);
      return c.json({ services: items, page_info, error: null }, 200);
    }),
  );

  app.get(
    '/v1/guests/search',
    guarded((c, principal) => {
      if (forbiddenGuestRead(principal, undefined)) return errorResponse(c, 403, NO_AUTHORIZATION, 438);
      const p = paging(c);
      if (p instanceof Response) return p;
      const { items, page_info } = paged(searchGuests(c), p);
      return c.json({ guests: items, page_info, error: null }, 200);
    }),
  );

  app.get(
    '/v1/guests/:id',
    guarded((c, principal) => {
      const id = c.req.param('id')?.toLowerCase();
      if (forbiddenGuestRead(principal, id)) return errorResponse(c, 403, NO_AUTHORIZATION, 438);
      const guest = GUESTS.find((g) => g.id === id);
      if (!guest) return errorResponse(c, 404, 'Invalid guest_id.', 502);
      return c.json(guest, 200);
    }),
  );
}
