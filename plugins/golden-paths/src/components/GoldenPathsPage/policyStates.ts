import { PolicyState } from '@paved/backstage-plugin-golden-paths-common';

/** The five states in the order a rollup lists them. */
export const POLICY_STATES: readonly PolicyState[] = [
  'compliant',
  'warn',
  'block',
  'exempt',
  'unknown',
];

/** Each state as a word; colour only repeats it. */
export const POLICY_STATE_LABELS: Record<PolicyState, string> = {
  compliant: 'Compliant',
  warn: 'Warn',
  block: 'Block',
  exempt: 'Exempt',
  unknown: 'Unknown',
};
