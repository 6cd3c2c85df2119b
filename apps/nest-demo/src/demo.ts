import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { ZenotiAuthExceptionFilter } from '@zenoti-auth/nestjs/errors';
import { AppModule } from './app.module.ts';
import type { NestDemoConfig } from './config.ts';

export type { NestDemoConfig, NestDemoEnv } from './config.ts';

/** A running demo: its URL, the Nest app, and `close()` (which runs Nest's shutdown hooks; main.ts calls it on SIGINT/SIGTERM). */
export interface NestDemo {
  url: string;
  app: INestApplication;
  close(): Promise<void>;
}

/**
 * Boots the demo on `config.host`:`config.port` (default 127.0.0.1, a free port). Invalid Zenoti settings
 * reject here, with the field named, before any request is served.
 */
export async function createNestDemo(config: NestDemoConfig): Promise<NestDemo> {
  const app = await NestFactory.create(AppModule.register(config), {
    abortOnError: false,
    ...(config.logger === true ? {} : { logger: false }),
  });
  // Zenoti failures become 401/429/502/503/504 with a fixed message and no secret.
  app.useGlobalFilters(new ZenotiAuthExceptionFilter(app.get(HttpAdapterHost)));
  const host = config.host ?? '127.0.0.1';
  await app.listen(config.port ?? 0, host);
  const address = app.getHttpServer().address() as { port: number };
  return { url: `http://${host}:${address.port}`, app, close: () => app.close() };
}
