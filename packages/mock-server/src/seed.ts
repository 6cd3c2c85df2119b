import { type ResolvedLoginPolicy, validateLoginPolicy } from './login-policy.ts';
import type { MockSeed, SeedApp, SeedOrganization, SeedUser, UserType } from './types.ts';

/** A seed problem, with the path of the offending field, e.g. `organizations[0].apps[1].appSecret`. */
export class SeedError extends Error {
  constructor(path: string, problem: string) {
    super(`zenoti-mock: invalid seed: ${path} ${problem}`);
    this.name = 'SeedError';
  }
}

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(obj: Obj, key: string, path: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new SeedError(`${path}.${key}`, 'must be a non-empty string');
  }
  return value;
}

function optionalString(obj: Obj, key: string, path: string): string | undefined {
  if (obj[key] === undefined) return undefined;
  return requireString(obj, key, path);
}

function optionalUserType(obj: Obj, path: string): UserType {
  const value = obj.userType;
  if (value === undefined) return 'Employee';
  if (value !== 'Employee' && value !== 'Guest') {
    throw new SeedError(`${path}.userType`, 'must be "Employee" or "Guest"');
  }
  return value;
}

function optionalArray(obj: Obj, key: string, path: string): unknown[] {
  const value = obj[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new SeedError(`${path}.${key}`, 'must be an array');
  return value;
}

/** A user as validated: defaults filled in, the login policy (if any) complete. */
export type ValidUser = Required<Omit<SeedUser, 'guestId' | 'loginPolicy'>> & {
  guestId?: string;
  loginPolicy?: ResolvedLoginPolicy;
};

const failSeed = (path: string, problem: string): never => {
  throw new SeedError(path, problem);
};

/** Validates one user and returns a normalised copy (defaults filled in). */
export function validateUser(value: unknown, path = 'user'): ValidUser {
  if (!isObject(value)) throw new SeedError(path, 'must be an object');
  const userType = optionalUserType(value, path);
  const user: ValidUser = {
    username: requireString(value, 'username', path),
    password: requireString(value, 'password', path),
    role: optionalString(value, 'role', path) ?? (userType === 'Guest' ? 'Guest' : 'Administrator'),
    userType,
  };
  const guestId = optionalString(value, 'guestId', path);
  if (guestId !== undefined) user.guestId = guestId;
  const loginPolicy = validateLoginPolicy(value.loginPolicy ?? null, `${path}.loginPolicy`, failSeed);
  if (loginPolicy !== undefined) user.loginPolicy = loginPolicy;
  return user;
}

function validateApp(value: unknown, path: string): Required<SeedApp> {
  if (!isObject(value)) throw new SeedError(path, 'must be an object');
  return {
    appId: requireString(value, 'appId', path),
    appSecret: requireString(value, 'appSecret', path),
    userType: optionalUserType(value, path),
  };
}

function unique(seen: Set<string>, key: string, path: string, what: string): void {
  if (seen.has(key)) throw new SeedError(path, `repeats ${what} already used earlier in the seed`);
  seen.add(key);
}

/**
 * Checks a seed (e.g. parsed from `--seed file.json`) and returns a normalised deep copy.
 * Account names, app ids and usernames compare case-insensitively and must be unique
 * (account names and app ids across the seed, usernames within an organisation); API keys must be unique.
 */
export function validateSeed(seed: unknown): MockSeed {
  if (!isObject(seed)) throw new SeedError('(root)', 'must be an object with an "organizations" array');
  if (!Array.isArray(seed.organizations) || seed.organizations.length === 0) {
    throw new SeedError('organizations', 'must be a non-empty array');
  }
  const accounts = new Set<string>();
  const keys = new Set<string>();
  const appIds = new Set<string>();
  const organizations = seed.organizations.map((org: unknown, i): SeedOrganization => {
    const path = `organizations[${i}]`;
    if (!isObject(org)) throw new SeedError(path, 'must be an object');
    const accountName = requireString(org, 'accountName', path);
    unique(accounts, accountName.toLowerCase(), `${path}.accountName`, 'an account name');
    const apiKeys = optionalArray(org, 'apiKeys', path).map((key, k) => {
      if (typeof key !== 'string' || key.trim() === '') {
        throw new SeedError(`${path}.apiKeys[${k}]`, 'must be a non-empty string');
      }
      unique(keys, key, `${path}.apiKeys[${k}]`, 'an API key');
      return key;
    });
    const apps = optionalArray(org, 'apps', path).map((app, a) => {
      const valid = validateApp(app, `${path}.apps[${a}]`);
      unique(appIds, valid.appId.toLowerCase(), `${path}.apps[${a}].appId`, 'an app id');
      return valid;
    });
    const usernames = new Set<string>();
    const users = optionalArray(org, 'users', path).map((user, u) => {
      const valid = validateUser(user, `${path}.users[${u}]`);
      unique(usernames, valid.username.toLowerCase(), `${path}.users[${u}].username`, 'a username');
      return valid;
    });
    return { accountName, apiKeys, apps, users };
  });
  return { organizations };
}
