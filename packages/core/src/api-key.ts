import { ZenotiAuthError } from './errors.ts';
import { formatAuthorization } from './header.ts';
import type { LastFailure } from './key-state.ts';
import { string } from './option-checks.ts';
import type { ApiKeyProvider } from './options.ts';
import { raceAbort } from './time.ts';

/** How often, and for how long, an API key provider is read. */
export interface ApiKeyLimits {
  /** Least time between two reads after the first good one (`credentialsCooldownMs`), engine clock. */
  cooldownMs: number;
  /** Longest read (`timeoutMs`), real time. */
  timeoutMs: number;
  /** The engine clock (`options.now`). */
  now: () => number;
}

/**
 * The engine's API key: given as it is, or read from a provider (a secrets manager) and cached.
 * The rules for a provider, so that one that hangs, fails or hands out refused keys cannot wedge
 * the engine nor be called in a loop:
 *
 * 1. Its first read is shared by every caller; a caller's AbortSignal ends only its own wait.
 * 2. A read gets `timeoutMs`: a provider that has not answered by then fails the read with
 *    `TIMEOUT` (a late answer is dropped). A failed read (thrown, timed out, a bad key) is not
 *    cached: the next caller reads again.
 * 3. After a 401 with the current key it is asked once for a newer one (Zenoti keeps a rotated key
 *    valid for a week, so a provider that already has the new key serves the switch without a
 *    failed call); every 401 of a burst joins that one read.
 * 4. After a failed read, or one a 401 asked for, it is not read again before `cooldownMs`:
 *    meanwhile a caller without a key meets the last failure again, and a 401 gets no newer key.
 */
export class ApiKey {
  readonly #provider: ApiKeyProvider | undefined;
  readonly #limits: ApiKeyLimits;
  /** The current `Authorization` value once known. */
  #header: string | undefined;
  /** The header's promise, or the read in flight that callers share (rule 1). */
  #promise: Promise<string> | undefined;
  /** A renewal in flight: every 401 of a burst joins it (rule 3). */
  #renewal: Promise<boolean> | undefined;
  /** When the last read that starts a cool-down ended (rule 4), engine clock. */
  #readAt: number | undefined;
  /** The last failed read while no key is known: met again during the cool-down. */
  #failure: ZenotiAuthError | undefined;
  /** When Zenoti last accepted a call with the key, and the last failure (a 401, a failed read), for `healthOf()`. */
  acceptedAt: number | undefined;
  lastFailure: LastFailure | undefined;

  constructor(key: string | ApiKeyProvider, limits: ApiKeyLimits) {
    this.#limits = limits;
    if (typeof key === 'function') this.#provider = key;
    else {
      this.#header = formatAuthorization('apikey', key);
      this.#promise = Promise.resolve(this.#header);
    }
  }

  /** The header, if known now. */
  get ready(): string | undefined {
    return this.#header;
  }

  /** The header: the cached one, or the provider's read (shared, see the rules). */
  header(signal?: AbortSignal): Promise<string> {
    if (this.#header !== undefined) return this.#promise as Promise<string>;
    return raceAbort(this.#promise ?? this.#firstRead(), signal);
  }

  #firstRead(): Promise<string> {
    if (this.#failure && this.#coolingDown()) return Promise.reject(this.#failure);
    const reading: Promise<string> = this.#read().then(
      (header) => {
        this.#header = header;
        this.#failure = undefined;
        return header;
      },
      (error: ZenotiAuthError) => {
        if (this.#promise === reading) this.#promise = undefined;
        this.#failure = error;
        this.#readAt = this.#limits.now();
        this.lastFailure = { code: error.code, transient: error.transient, at: this.#readAt };
        throw error;
      },
    );
    this.#promise = reading;
    return reading;
  }

  /** Whether the provider was read less than `cooldownMs` ago (rule 4). */
  #coolingDown(): boolean {
    return this.#readAt !== undefined && this.#limits.now() - this.#readAt < this.#limits.cooldownMs;
  }

  /**
   * After a 401 sent with `rejected`: whether a newer key is now current (the request may be sent
   * again with it). Only a provider can have one.
   */
  renew(rejected: string): Promise<boolean> {
    this.lastFailure = { code: 'UNAUTHORIZED', transient: false, at: this.#limits.now() };
    if (!this.#provider || rejected !== this.#header) return Promise.resolve(rejected !== this.#header);
    if (this.#renewal) return this.#renewal;
    if (this.#coolingDown()) return Promise.resolve(false);
    const renewal = this.#read()
      .then((header) => {
        if (header === rejected) return false;
        this.#header = header;
        this.#promise = Promise.resolve(header);
        return true;
      })
      .finally(() => {
        this.#readAt = this.#limits.now();
        this.#renewal = undefined;
      });
    this.#renewal = renewal;
    return renewal;
  }

  /** One read of the provider, within `timeoutMs` (rule 2). */
  async #read(): Promise<string> {
    const { timeoutMs } = this.#limits;
    const timedOut = new ZenotiAuthError(
      'TIMEOUT',
      `The "apiKey" provider gave no key within ${timeoutMs} ms (timeoutMs).`,
      { field: 'apiKey' },
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timedOut), timeoutMs);
    });
    let key: unknown;
    try {
      key = await Promise.race([(async () => (this.#provider as ApiKeyProvider)())(), late]);
    } catch (error) {
      if (error === timedOut) throw error;
      // The provider's error may hold anything (a key, a URL with a token): described, not attached.
      throw new ZenotiAuthError('INVALID_OPTIONS', 'The "apiKey" provider failed to give a key.', {
        field: 'apiKey',
        transient: true,
      });
    } finally {
      clearTimeout(timer);
    }
    return formatAuthorization('apikey', string(key, 'apiKey', 'strict'));
  }
}
