import {
  AuthService,
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { scheduleGlobalTask } from './scheduleGlobalTask';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Entity } from '@backstage/catalog-model';
import { PolicyState } from '@paved/backstage-plugin-golden-paths-common';
import {
  ComplianceRecord,
  ComplianceStore,
  DailyComplianceCounts,
  StateCounts,
} from '../database/ComplianceStore';
import { Clock, systemClock } from '../clock';
import { ComplianceService } from '../services/ComplianceService';

/**
 * What one sweep did.
 *
 * @public
 */
export type ComplianceSweepSummary = {
  /** Components evaluated. */
  evaluated: number;
  /** Evaluations written because they changed. */
  written: number;
  unchanged: number;
  /** Evaluations deleted because their entity left the catalog. */
  removed: number;
  /** Components per state. */
  states: StateCounts;
  /** When the sweep evaluated (ISO 8601). */
  sweptAt: string;
};

const EMPTY_COUNTS: StateCounts = {
  compliant: 0,
  warn: 0,
  block: 0,
  exempt: 0,
  unknown: 0,
};

/**
 * Evaluates every Component in the catalog against its template's policy,
 * stores what changed, forgets services that left the catalog and records
 * today's counts per owner and template.
 *
 * @public
 */
export class ComplianceSweepTask {
  static readonly id = 'golden-paths-compliance-sweep';

  // One sweep at a time per replica: POST /admin/sweep joins a running one.
  private running?: Promise<ComplianceSweepSummary>;

  constructor(
    private readonly deps: {
      auth: AuthService;
      catalog: CatalogService;
      service: ComplianceService;
      store: ComplianceStore;
      logger: LoggerService;
      /** Where "now" comes from; the system clock by default. */
      clock?: Clock;
      /**
       * Called after a sweep that found services new, changed or gone, e.g.
       * to match DORA events that arrived before their service. Its failure
       * is logged; the sweep's result stands.
       */
      onServicesChanged?: () => Promise<unknown>;
      /**
       * Something that wants every Component the sweep reads, e.g. DORA
       * ingest's index of match keys: `add` for each, `commit` once the
       * catalog has been read to the end (never after a partial read).
       */
      catalogIndex?: () => { add(entity: Entity): void; commit(): void };
    },
  ) {}

  /** Schedules the sweep; global scope, so one replica sweeps at a time. */
  async schedule(
    scheduler: SchedulerService,
    schedule: SchedulerServiceTaskScheduleDefinition,
  ) {
    await scheduleGlobalTask({
      id: ComplianceSweepTask.id,
      scheduler,
      schedule,
      logger: this.deps.logger,
      // The previous snapshot stays; the next run tries again.
      onError: 'Compliance sweep failed, keeping the previous snapshot',
      run: () => this.run(),
    });
  }

  /**
   * Sweeps now. Throws, without writing anything, when the catalog cannot be
   * read to the end: a partial read would delete services that still exist.
   */
  run(
    now: Date = (this.deps.clock ?? systemClock).now(),
  ): Promise<ComplianceSweepSummary> {
    if (!this.running) {
      this.running = this.sweep(now).finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async sweep(now: Date): Promise<ComplianceSweepSummary> {
    const { auth, catalog, service, store, logger } = this.deps;
    const credentials = await auth.getOwnServiceCredentials();
    const context = await service.loadContext({ now });
    const records: ComplianceRecord[] = [];
    const index = this.deps.catalogIndex?.();
    for await (const page of catalog.streamEntities(
      {
        filter: { kind: 'Component' },
        fields: ['kind', 'metadata', 'spec.owner', 'spec.scaffoldedFrom'],
      },
      { credentials },
    )) {
      // One at a time: each may read a repository, and the sweep should not
      // flood the source host. A repository that fails only marks its service.
      for (const entity of page) {
        index?.add(entity);
        records.push(await service.evaluateService(entity, context));
      }
    }
    index?.commit();

    const { written, unchanged } = await store.upsertEvaluations(records, now);
    const removed = await store.removeMissing(records.map(r => r.entityRef));
    const { perGroup, states } = countStates(records);
    await store.recordDailyCounts(now.toISOString().slice(0, 10), perGroup);

    const summary: ComplianceSweepSummary = {
      evaluated: records.length,
      written,
      unchanged,
      removed,
      states,
      sweptAt: now.toISOString(),
    };
    if ((written > 0 || removed > 0) && this.deps.onServicesChanged) {
      try {
        await this.deps.onServicesChanged();
      } catch (error) {
        logger.error(`After the compliance sweep: ${error}`);
      }
    }
    logger.info(
      `Compliance sweep: ${records.length} services (${Object.entries(states)
        .map(([state, n]) => `${n} ${state}`)
        .join(
          ', ',
        )}); ${written} written, ${unchanged} unchanged, ${removed} removed`,
    );
    return summary;
  }
}

function countStates(records: ComplianceRecord[]) {
  const groups = new Map<string, DailyComplianceCounts>();
  const states: StateCounts = { ...EMPTY_COUNTS };
  for (const { owner, evaluation } of records) {
    const templateRef = evaluation.templateRef ?? '';
    const key = JSON.stringify([owner, templateRef]);
    const group = groups.get(key) ?? {
      owner,
      templateRef,
      ...EMPTY_COUNTS,
    };
    const state: PolicyState = evaluation.state;
    group[state] += 1;
    states[state] += 1;
    groups.set(key, group);
  }
  return { perGroup: [...groups.values()], states };
}
