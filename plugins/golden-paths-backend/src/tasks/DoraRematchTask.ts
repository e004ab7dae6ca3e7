import {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { scheduleGlobalTask } from './scheduleGlobalTask';
import { DoraService } from '../services/DoraService';

/**
 * Matches DORA events that arrived before their service was in the catalog
 * (or annotated): their match keys are tried again on every run.
 *
 * @public
 */
export class DoraRematchTask {
  static readonly id = 'golden-paths-dora-rematch';

  constructor(
    private readonly deps: { dora: DoraService; logger: LoggerService },
  ) {}

  /** Schedules the task; global scope, so one replica runs it at a time. */
  async schedule(
    scheduler: SchedulerService,
    schedule: SchedulerServiceTaskScheduleDefinition,
  ) {
    await scheduleGlobalTask({
      id: DoraRematchTask.id,
      scheduler,
      schedule,
      logger: this.deps.logger,
      onError: 'DORA re-match failed',
      run: () => this.run(),
    });
  }

  /** Re-matches now; returns how many events were matched. */
  async run(): Promise<number> {
    const matched = await this.deps.dora.rematch();
    if (matched > 0) {
      this.deps.logger.info(`DORA re-match: ${matched} events matched`);
    }
    return matched;
  }
}
