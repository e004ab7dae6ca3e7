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
    };
    /** Policy exemptions. */
    exemptions?: {
      /** The longest an exemption may last. Defaults to 90 days. */
      maxDuration?: HumanDuration | string;
    };
  };
}
