import { newApiKey } from './ids.ts';
import type { ResolvedLoginPolicy } from './login-policy.ts';
import { validateUser } from './seed.ts';
import type { MockSeed, SeedApp, SeedUser, UserType } from './types.ts';

export interface UserRecord {
  username: string;
  password: string;
  role: string;
  userType: UserType;
  guestId?: string;
  /** The user's login policy; none answers with Zenoti's sample evaluation. */
  loginPolicy?: ResolvedLoginPolicy;
}

export interface OrgRecord {
  accountName: string;
  /** By lower-cased app id. */
  apps: Map<string, Required<SeedApp>>;
  /** By lower-cased username. */
  users: Map<string, UserRecord>;
}

export interface ApiKeyRecord {
  accountName: string;
  /** When a rotated key stops working; `null` while it is current. */
  expiresAt: number | null;
}

/** Identity of a user across the mock: lower-cased account and username. */
export function userKeyOf(accountName: string, username: string): string {
  return `${accountName.toLowerCase()}\n${username.toLowerCase()}`;
}

/** Organisations, apps, users and API keys: the mutable copy of the seed. */
export class Directory {
  readonly orgs = new Map<string, OrgRecord>();
  readonly keys = new Map<string, ApiKeyRecord>();

  constructor(seed: MockSeed) {
    for (const org of seed.organizations) {
      const record: OrgRecord = { accountName: org.accountName, apps: new Map(), users: new Map() };
      for (const app of org.apps ?? []) {
        record.apps.set(app.appId.toLowerCase(), {
          appId: app.appId,
          appSecret: app.appSecret,
          userType: app.userType ?? 'Employee',
        });
      }
      for (const user of org.users ?? []) record.users.set(user.username.toLowerCase(), validateUser(user));
      this.orgs.set(org.accountName.toLowerCase(), record);
      for (const key of org.apiKeys ?? [])
        this.keys.set(key, { accountName: org.accountName, expiresAt: null });
    }
  }

  org(accountName: string): OrgRecord | undefined {
    return this.orgs.get(accountName.toLowerCase());
  }

  requireOrg(accountName: string): OrgRecord {
    const org = this.org(accountName);
    if (!org) throw new Error(`zenoti-mock: unknown account ${JSON.stringify(accountName)}`);
    return org;
  }

  requireUser(accountName: string, username: string): { org: OrgRecord; user: UserRecord } {
    const org = this.requireOrg(accountName);
    const user = org.users.get(username.toLowerCase());
    if (!user) {
      throw new Error(
        `zenoti-mock: unknown user ${JSON.stringify(username)} in account ${JSON.stringify(accountName)}`,
      );
    }
    return { org, user };
  }

  addUser(accountName: string, user: SeedUser): void {
    const org = this.requireOrg(accountName);
    const valid = validateUser(user);
    if (org.users.has(valid.username.toLowerCase())) {
      throw new Error(
        `zenoti-mock: user ${JSON.stringify(valid.username)} already exists in account ${JSON.stringify(accountName)}`,
      );
    }
    org.users.set(valid.username.toLowerCase(), valid);
  }

  /** The organisation of a key that works at `now`. */
  liveKey(key: string, now: number): ApiKeyRecord | undefined {
    const record = this.keys.get(key);
    if (!record || (record.expiresAt !== null && now >= record.expiresAt)) return undefined;
    return record;
  }

  rotateKey(accountName: string, oldKey: string, now: number, graceMs: number): string {
    const org = this.requireOrg(accountName);
    const record = this.liveKey(oldKey, now);
    if (!record || record.accountName !== org.accountName) {
      throw new Error(
        `zenoti-mock: rotateApiKey: the key is not a live key of account ${JSON.stringify(accountName)}`,
      );
    }
    const key = newApiKey();
    this.keys.set(key, { accountName: org.accountName, expiresAt: null });
    record.expiresAt = Math.min(record.expiresAt ?? Number.POSITIVE_INFINITY, now + graceMs);
    return key;
  }

  revokeKey(key: string): void {
    if (!this.keys.delete(key)) throw new Error('zenoti-mock: revokeApiKey: unknown API key');
  }
}
