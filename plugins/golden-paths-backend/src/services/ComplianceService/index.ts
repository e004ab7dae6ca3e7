export { ComplianceService, normalizeEntityRef } from './ComplianceService';
export type { EvaluationContext, TemplateContext } from './ComplianceService';
