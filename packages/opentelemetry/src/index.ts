export { type ZenotiTelemetry, type ZenotiTelemetryOptions, zenotiTelemetry } from './zenoti-telemetry.ts';
