import type { ZenotiErrorAnswer } from '@zenoti-auth/core/proxy';
import type { Request, Response } from 'express';
import { tell, type ZenotiErrorListener } from './error-log.ts';
import type { ZenotiRequestContext } from './types.ts';
import { sendWebResponse } from './web-response.ts';

// What the proxy and the sign-in skins share: where they find req.zenoti, and how the neutral
// handler's Response is sent (and, when it is an error the server should hear of, told).

/** `req.zenoti`, or a clear programming error when `zenotiAuth()` is not mounted before `who`. */
export function zenotiOf(req: Request, who: string): ZenotiRequestContext {
  const zenoti = (req as { zenoti?: ZenotiRequestContext }).zenoti;
  if (!zenoti) throw new Error(`[@zenoti-auth/express] ${who} needs zenotiAuth() before it on its route.`);
  return zenoti;
}

/**
 * Sends the neutral handler's `response`; an error answer of 500 or more (or one marked
 * `tellServer`, a sign-in refused in a wrong password's words) is told to `onError` first.
 */
export function sendAnswer(
  req: Request,
  res: Response,
  response: globalThis.Response,
  answer: ZenotiErrorAnswer | undefined,
  onError: ZenotiErrorListener,
): Promise<void> {
  if (answer && (answer.status >= 500 || answer.tellServer)) {
    const { status, code, message, cause } = answer;
    tell(
      onError,
      { status, code, field: cause?.field, message: cause?.message ?? message, error: cause },
      req,
    );
  }
  return sendWebResponse(res, response);
}
