import 'reflect-metadata';
import type { ModuleMetadata } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { MemoryTokenStore, type ZenotiAuthOptions } from '@zenoti-auth/core';
import {
  DEMO_CREDENTIALS,
  type MockControl,
  type StartMockZenotiOptions,
  startMockZenoti,
} from '@zenoti-auth/mock-server';
import { afterEach } from 'vitest';

export const D = DEMO_CREDENTIALS;

/** A clock shared by the mock Zenoti and the engine, so tests move time instead of sleeping. */
export class TestClock {
  #t = Date.now();
  readonly now = (): number => this.#t;
  advance(ms: number): void {
    this.#t += ms;
  }
}

const running: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  // Apps first (their shutdown hooks may still call Zenoti), then the mock servers.
  for (const close of running.splice(0).reverse()) await close();
});

/** Closes `thing` after the test (in reverse order of registration). */
export function closeAfterTest<T extends { close(): Promise<unknown> }>(thing: T): T {
  running.push(() => thing.close());
  return thing;
}

export interface Zenoti {
  url: string;
  control: MockControl;
}

/** A mock Zenoti on a free loopback port, closed after the test. Rate limit off unless asked for. */
export async function zenoti(options: StartMockZenotiOptions = {}): Promise<Zenoti> {
  return closeAfterTest(await startMockZenoti({ rateLimit: false, ...options }));
}

/** Core options for the demo employee app + service user against `url`, with a private token store. */
export function serviceUser(url: string, extra: Partial<ZenotiAuthOptions> = {}): ZenotiAuthOptions {
  return {
    baseUrl: url,
    app: { accountName: D.accountName, ...D.employeeApp },
    user: { ...D.employee },
    store: new MemoryTokenStore(),
    ...extra,
  } as ZenotiAuthOptions;
}

/** Core options for the `other` organisation's employee app + service user. */
export function otherServiceUser(url: string, extra: Partial<ZenotiAuthOptions> = {}): ZenotiAuthOptions {
  return {
    baseUrl: url,
    app: { accountName: D.other.accountName, ...D.other.employeeApp },
    user: { ...D.other.employee },
    store: new MemoryTokenStore(),
    ...extra,
  } as ZenotiAuthOptions;
}

/** Compiles and initialises a testing module (closed after the test). */
export async function compile(metadata: ModuleMetadata): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  closeAfterTest(moduleRef);
  await moduleRef.init();
  return moduleRef;
}

/** The error `promise` rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Every secret of the demo seed: none may appear in a response, log line or error. */
export const SECRETS: readonly string[] = [
  D.apiKey,
  D.employeeApp.appSecret,
  D.guestApp.appSecret,
  D.employee.password,
  D.other.apiKey,
  D.other.employeeApp.appSecret,
  D.other.employee.password,
];
