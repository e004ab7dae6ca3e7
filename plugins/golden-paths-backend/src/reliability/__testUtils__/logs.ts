import { LoggerService } from '@backstage/backend-plugin-api';

/** One logged line, as the plugin or the backend wrote it. */
export type LoggedLine = { level: string; message: string; meta?: unknown };

/**
 * A logger that keeps every line (its children write to the same list), for
 * tests that assert on what was logged, or on what never was.
 */
export function capturingLogger() {
  const lines: LoggedLine[] = [];
  const log =
    (level: string) =>
    (message: string, meta?: unknown): void => {
      lines.push({ level, message, meta });
    };
  const logger: LoggerService = {
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: log('debug'),
    child: () => logger,
  };
  return { logger, lines };
}
