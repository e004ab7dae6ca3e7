import { Exemption } from '@paved/backstage-plugin-golden-paths-common';

/**
 * What it takes to grant an exemption.
 *
 * @public
 */
export type NewExemption = {
  entityRef: string;
  templateRef?: string;
  reason: string;
  approvedBy: string;
  expiresAt: Date;
};

/**
 * An exemption with its revocation, if any.
 *
 * @public
 */
export type StoredExemption = Exemption & {
  revokedAt?: string;
  revokedBy?: string;
};

/**
 * Keeps policy exemptions. Revoked ones stay, as the audit trail.
 *
 * @public
 */
export interface ExemptionStore {
  create(exemption: NewExemption, now: Date): Promise<StoredExemption>;

  /**
   * Revokes an exemption; returns it, or undefined when there is none with
   * that id. Revoking twice keeps the first revocation.
   */
  revoke(
    id: string,
    revokedBy: string,
    at: Date,
  ): Promise<StoredExemption | undefined>;

  /** Exemptions neither revoked nor expired at `now`, optionally of one service. */
  listActive(now: Date, options?: { entityRef?: string }): Promise<Exemption[]>;

  get(id: string): Promise<StoredExemption | undefined>;
}
