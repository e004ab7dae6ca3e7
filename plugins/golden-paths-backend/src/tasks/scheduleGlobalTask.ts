import {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';

/**
 * Schedules `run` in global scope, so one replica runs it per interval
 * whatever the configured schedule says. A failure is logged with `onError`'s
 * words, and the next run tries again.
 *
 * @internal
 */
export async function scheduleGlobalTask(options: {
  id: string;
  scheduler: SchedulerService;
  schedule: SchedulerServiceTaskScheduleDefinition;
  logger: LoggerService;
  onError: string;
  run: () => Promise<unknown>;
}) {
  await options.scheduler.scheduleTask({
    id: options.id,
    ...options.schedule,
    scope: 'global',
    fn: async () => {
      try {
        await options.run();
      } catch (error) {
        options.logger.error(`${options.onError}: ${error}`);
      }
    },
  });
}
