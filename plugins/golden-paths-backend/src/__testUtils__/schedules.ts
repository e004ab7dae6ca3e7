/**
 * A task schedule that never fires while a test or benchmark runs, so it
 * triggers the work itself, at the times it chooses.
 */
export const NEVER_DURING_TEST = {
  frequency: { hours: 24 },
  timeout: { minutes: 1 },
  initialDelay: { hours: 24 },
};
