/**
 * The Paved golden-paths backend plugin: template version registry, compliance,
 * policy gate, drift and DORA.
 *
 * @packageDocumentation
 */

export { goldenPathsPlugin as default } from './plugin';
export type {
  ObservedTemplateVersion,
  RegisteredTemplateVersion,
  TemplateChangelogEntry,
  TemplateVersionStore,
} from './database/TemplateVersionStore';
export type {
  ComplianceHistoryPoint,
  ComplianceRecord,
  ComplianceStore,
  DailyComplianceCounts,
  StateCounts,
  StoredEvaluation,
} from './database/ComplianceStore';
export type {
  ExemptionStore,
  NewExemption,
  StoredExemption,
} from './database/ExemptionStore';
export type { ComplianceSweepSummary } from './tasks/ComplianceSweepTask';
