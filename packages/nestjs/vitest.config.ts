import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const src = (file: string): string => fileURLToPath(new URL(`./src/${file}`, import.meta.url));

// Tests import the package by name. Here that name means the sources (no build needed, decorators
// compiled by Vitest); `pnpm test:nest12` runs the same tests against the packed, built package.
export default defineProject({
  // Tests are outside tsconfig.json's "include", so say it here: Nest's legacy decorators + metadata.
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  resolve: {
    alias: [
      { find: /^@zenoti-auth\/nestjs$/, replacement: src('index.ts') },
      { find: /^@zenoti-auth\/nestjs\/errors$/, replacement: src('errors.ts') },
      { find: /^@zenoti-auth\/nestjs\/http$/, replacement: src('http.ts') },
      { find: /^@zenoti-auth\/nestjs\/health$/, replacement: src('health.ts') },
    ],
  },
  test: { name: 'nestjs', include: ['test/**/*.test.ts'], testTimeout: 30_000 },
});
