import { ZenotiAuthError } from './errors.ts';
import { formatAuthorization } from './header.ts';
import type { ApiKeyProvider } from './options.ts';
import { string } from './validate.ts';

/**
 * The engine's API key: given as it is, or read from a provider (a secrets manager) once and
 * cached. After a 401 with the current key, the provider is asked once for a newer one (Zenoti
 * keeps a rotated key valid for a week, so a provider that already has the new key serves the
 * switch without a failed call); the same key rejected again is not asked about again before
 * `recheckAfterMs`.
 */
export class ApiKey {
  readonly #provider: ApiKeyProvider | undefined;
  readonly #recheckAfterMs: number;
  /** The current `Authorization` value once known, and the promise callers share. */
  #header: string | undefined;
  #promise: Promise<string> | undefined;
  /** A renewal in flight: every 401 of a burst joins it. */
  #renewal: Promise<boolean> | undefined;
  /** The header the provider was last asked to replace, and when (real time). */
  #asked: { header: string; at: number } | undefined;

  constructor(key: string | ApiKeyProvider, recheckAfterMs: number) {
    this.#recheckAfterMs = recheckAfterMs;
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

  /** The header; the provider's first read is shared by every caller, and a failed one is retried by the next. */
  header(): Promise<string> {
    if (this.#promise) return this.#promise;
    const reading = this.#read().then((header) => {
      this.#header = header;
      return header;
    });
    this.#promise = reading;
    reading.catch(() => {
      if (this.#promise === reading) this.#promise = undefined;
    });
    return reading;
  }

  /**
   * After a 401 sent with `rejected`: whether a newer key is now current (the request may be sent
   * again with it). Only a provider can have one.
   */
  renew(rejected: string): Promise<boolean> {
    if (!this.#provider || rejected !== this.#header) return Promise.resolve(rejected !== this.#header);
    const asked = this.#asked;
    if (asked?.header === rejected && Date.now() - asked.at < this.#recheckAfterMs)
      return Promise.resolve(false);
    this.#renewal ??= this.#read()
      .then((header) => {
        this.#asked = { header: rejected, at: Date.now() };
        if (header === rejected) return false;
        this.#header = header;
        this.#promise = Promise.resolve(header);
        return true;
      })
      .finally(() => {
        this.#renewal = undefined;
      });
    return this.#renewal;
  }

  async #read(): Promise<string> {
    let key: unknown;
    try {
      key = await (this.#provider as ApiKeyProvider)();
    } catch {
      // The provider's error may hold anything (a key, a URL with a token): described, not attached.
      throw new ZenotiAuthError('INVALID_OPTIONS', 'The "apiKey" provider failed to give a key.', {
        field: 'apiKey',
        transient: true,
      });
    }
    return formatAuthorization('apikey', string(key, 'apiKey', 'strict'));
  }
}
