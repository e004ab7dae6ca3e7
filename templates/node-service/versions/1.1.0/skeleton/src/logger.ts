import pino from 'pino';

/**
 * Structured JSON logger, owned by the golden path so every service logs the
 * same fields (service, level, time) and the log pipeline can index them.
 */
export const logger = pino({
  name: '${{ values.name }}',
  level: process.env.LOG_LEVEL ?? 'info',
  base: { service: '${{ values.name }}' },
});
