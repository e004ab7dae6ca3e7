import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

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
  };
}
