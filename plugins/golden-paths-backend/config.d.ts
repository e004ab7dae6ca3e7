import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';
import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration for the Paved golden-paths backend plugin. */
  goldenPaths?: {
    /** The registry of published golden-path template versions. */
    templateRegistry?: {
      /**
       * How often Template entities are read from the catalog to record new
       * versions. Defaults to every 5 minutes, first run 10 seconds after start.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    /** The compliance sweep over every Component in the catalog. */
    sweep?: {
      /**
       * How often every service is evaluated. Defaults to every 10 minutes,
       * first run 30 seconds after start.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    /**
     * Template policies, by template ref (`template:default/node-service`, or
     * `node-service` for the default namespace). Each key overrides the
     * template's policy annotation of the same rule.
     */
    policies?: {
      [templateRef: string]: {
        /** The oldest version services may stay on (semver). */
        minimumVersion?: string;
        /** From this UTC day (YYYY-MM-DD), services below the minimum are warned. */
        warnDate?: string;
        /** From this UTC day (YYYY-MM-DD), services below the minimum are blocked. */
        blockDate?: string;
        /** The largest allowed lag, e.g. `1 major`, `2 minors` or `{ majors: 1 }`. */
        maxLag?: string | { majors?: number; minors?: number };
      };
    };
    /** DORA events and metrics. */
    dora?: {
      /**
       * How often unmatched DORA events are matched to catalog entities
       * again. Defaults to every 10 minutes, first run 1 minute after start.
       */
      rematchSchedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * How often the DORA facts of services whose events changed are worked
       * out again (queries also do it for the services they read). Defaults
       * to every minute, first run 20 seconds after start.
       */
      factsSchedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * Environment names that count as production, compared
       * case-insensitively. Defaults to `production` and `prod`.
       */
      productionEnvironments?: string[];
      /**
       * DORA band thresholds per metric, replacing Paved's DORA 2024
       * defaults. An overridden metric needs all three of its thresholds,
       * ordered from elite to medium.
       */
      bands?: {
        /** Production deployments per day: at least this much reaches the band. */
        deploymentFrequency?: {
          eliteAtLeastPerDay: number;
          highAtLeastPerDay: number;
          mediumAtLeastPerDay: number;
        };
        /** Hours: strictly below reaches the band. */
        changeLeadTime?: {
          eliteBelowHours: number;
          highBelowHours: number;
          mediumBelowHours: number;
        };
        /** A fraction from 0 to 1: at most this reaches the band. */
        changeFailRate?: {
          eliteAtMost: number;
          highAtMost: number;
          mediumAtMost: number;
        };
        /** Hours: strictly below reaches the band. */
        failedDeploymentRecoveryTime?: {
          eliteBelowHours: number;
          highBelowHours: number;
          mediumBelowHours: number;
        };
        /** A fraction from 0 to 1: at most this reaches the band. */
        deploymentReworkRate?: {
          eliteAtMost: number;
          highAtMost: number;
          mediumAtMost: number;
        };
      };
    };
    /** The GitHub webhook, `POST /api/golden-paths/webhooks/github`. */
    github?: {
      /**
       * The secret set on the GitHub webhook; deliveries are verified with
       * its HMAC-SHA256 (`X-Hub-Signature-256`). Without it the webhook
       * answers 503 and accepts nothing.
       *
       * @visibility secret
       */
      webhookSecret?: string;
      /**
       * How old a delivery's event timestamp may be before it is refused as
       * a replay (401); also how far in the future it may be. Defaults to
       * 1 hour.
       */
      webhookTolerance?: HumanDuration | string;
      /** The issue label that makes an issue an incident. Defaults to `incident`. */
      incidentLabel?: string;
    };
    /** Policy exemptions. */
    exemptions?: {
      /** The longest an exemption may last. Defaults to 90 days. */
      maxDuration?: HumanDuration | string;
    };
  };
}
