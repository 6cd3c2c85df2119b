import express5 from 'express';
import express4 from 'express4';

/** Every Express major the adapter is tested on (its peer range): each suite runs once per entry. */
export const EXPRESS_VERSIONS = [
  ['express 5', express5],
  ['express 4', express4],
] as const;

export type ExpressFactory = typeof express5;
