/**
 * One notification about a template version, to the owner of one service.
 *
 * @public
 */
export type SentNotificationKey = {
  /** Entity ref of the service, lowercase. */
  entityRef: string;
  templateRef: string;
  version: string;
};

/**
 * Remembers which new-version notifications were sent, so none is sent twice.
 *
 * @public
 */
export interface NotificationSentStore {
  /**
   * Records that the notification is being sent. Returns true when this call
   * recorded it, false when it was already recorded (by this replica or
   * another, now or before a restart): only the caller that gets true sends.
   */
  claim(key: SentNotificationKey, sentAt: Date): Promise<boolean>;

  /** Lists what was sent for one template version, by entity ref. */
  listSent(options: {
    templateRef: string;
    version: string;
  }): Promise<{ entityRef: string; sentAt: string }[]>;
}
