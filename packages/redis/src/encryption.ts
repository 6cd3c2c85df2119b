/**
 * `@zenoti-auth/redis/encryption`: the AES-256-GCM cipher of `@zenoti-auth/core/encryption`, under
 * the name Redis users know. The code lives in core, shared with `@zenoti-auth/cloudflare`; values
 * encrypted before it moved there decrypt as before (same key derivation, same key ids).
 */
export { encryption } from '@zenoti-auth/core/encryption';
