import 'reflect-metadata';
import type { ModuleMetadata } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { DEMO_ORG_SECRETS, OTHER_ORG_SECRETS, testResources } from '@zenoti-auth/test-support';

export {
  D,
  otherServiceUser,
  rejection,
  serviceUser,
  TestClock,
  type Zenoti,
} from '@zenoti-auth/test-support';

// Closed one by one, newest first: apps (their shutdown hooks may still call Zenoti), then the mock servers.
const opened = testResources({ order: 'newest-first' });

/** Closes `thing` after the test (in reverse order of registration). */
export const closeAfterTest = opened.closeAfterTest;

/** A mock Zenoti on a free loopback port, closed after the test. Rate limit off unless asked for. */
export const zenoti = opened.zenoti;

/** Compiles and initialises a testing module (closed after the test). */
export async function compile(metadata: ModuleMetadata): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  closeAfterTest(moduleRef);
  await moduleRef.init();
  return moduleRef;
}

/** Every secret of the demo seed: none may appear in a response, log line or error. */
export const SECRETS: readonly string[] = [...DEMO_ORG_SECRETS, ...OTHER_ORG_SECRETS];
