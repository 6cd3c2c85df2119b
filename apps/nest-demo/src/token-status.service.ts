import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { redactAuthorization, type TokenEvent, type ZenotiAuth } from '@zenoti-auth/core';
import { InjectZenotiAuth } from '@zenoti-auth/nestjs';

/** Injection token of the clock the status computes time left with (`Date.now`, or a test's clock). */
export const DEMO_CLOCK = 'DEMO_CLOCK';

/** What `GET /token-status` shows: fingerprints and times, never a token or key. */
export interface TokenStatus {
  mode: 'apiKey' | 'token';
  /** The Zenoti origin the credentials go to. */
  zenoti: string;
  /** `apikey …1093` / `bearer …9f0c`. */
  authorization: string;
  /** Tokens obtained since start (token mode). */
  tokensObtained: number;
  /** The last token event (token mode). */
  lastToken: {
    grant: 'password' | 'refresh';
    tokenId: string;
    expiresAt: string;
    secondsLeft: number;
  } | null;
}

/** Keeps the last `token` event of the app's own credential, from core's events. */
@Injectable()
export class TokenStatusService implements OnModuleDestroy {
  #last: TokenEvent | undefined;
  #count = 0;
  readonly #listener = (event: TokenEvent): void => {
    if (event.principal !== undefined) return;
    this.#last = event;
    this.#count += 1;
  };

  // Explicit tokens: tsx (esbuild) emits no decorator metadata.
  constructor(
    @InjectZenotiAuth() private readonly zenoti: ZenotiAuth,
    @Inject(DEMO_CLOCK) private readonly now: () => number,
  ) {
    zenoti.on('token', this.#listener);
  }

  async status(): Promise<TokenStatus> {
    const authorization = redactAuthorization(await this.zenoti.authorization());
    const last = this.#last;
    const now = this.now();
    return {
      mode: this.zenoti.mode,
      zenoti: new URL(this.zenoti.baseUrl).origin,
      authorization,
      tokensObtained: this.#count,
      lastToken: last
        ? {
            grant: last.grant,
            tokenId: last.tokenId,
            expiresAt: new Date(last.expiresAt).toISOString(),
            secondsLeft: Math.max(0, Math.round((last.expiresAt - now) / 1000)),
          }
        : null,
    };
  }

  onModuleDestroy(): void {
    this.zenoti.off('token', this.#listener);
  }
}
