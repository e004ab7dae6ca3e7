import { isError } from '@backstage/errors';

/**
 * The backend's own message for a failed action (e.g. "Missing permission
 * golden-paths.exemption.create" on a 403), not the generic HTTP status line.
 */
export function describeActionError(error: unknown): string {
  if (!isError(error)) {
    return String(error);
  }
  const cause = (error as { cause?: unknown }).cause;
  return isError(cause) ? cause.message : error.message;
}
