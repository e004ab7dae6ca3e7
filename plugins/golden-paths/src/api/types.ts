import {
  ComplianceDrift,
  ComplianceEvaluation,
  TemplateChangelogEntry,
  TemplateSummary,
  TemplateVersion,
} from '@paved/backstage-plugin-golden-paths-common';

export type { ComplianceEvaluation, TemplateChangelogEntry };

/**
 * A template version with its changelog, as the registry serves it.
 *
 * @public
 */
export type GoldenPathTemplateVersion = TemplateVersion;

/**
 * A template with every registered version, oldest first.
 *
 * @public
 */
export type GoldenPathTemplate = Omit<TemplateSummary, 'versions'> & {
  versions: GoldenPathTemplateVersion[];
};

/**
 * A service's drift from its template, as `GET /compliance` returns it.
 *
 * @public
 */
export type ServiceDrift = ComplianceDrift;

/**
 * What a team asks for to be exempt from its template's policy for a while.
 *
 * @public
 */
export type ExemptionRequest = {
  entityRef: string;
  reason: string;
  /** ISO 8601 timestamp, in the future and within the backend's maximum duration. */
  expiresAt: string;
  /** When set, only this template's policy is covered. */
  templateRef?: string;
};

/**
 * A granted (or revoked) exemption.
 *
 * @public
 */
export type Exemption = {
  id: string;
  entityRef: string;
  templateRef?: string;
  reason: string;
  approvedBy: string;
  expiresAt: string;
  createdAt: string;
  revokedAt?: string;
  revokedBy?: string;
};

/**
 * The exemption and the service's evaluation right after it changed.
 *
 * @public
 */
export type ExemptionResult = {
  exemption: Exemption;
  evaluation: ComplianceEvaluation;
};
