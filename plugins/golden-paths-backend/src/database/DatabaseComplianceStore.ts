import {
  DatabaseService,
  LifecycleService,
} from '@backstage/backend-plugin-api';
import {
  PolicyState,
  summarizeDrift,
} from '@paved/backstage-plugin-golden-paths-common';
import { createHash } from 'node:crypto';
import { Knex } from 'knex';
import {
  ComplianceHistoryPoint,
  ComplianceRecord,
  ComplianceStore,
  ComplianceSummaryGroupBy,
  ComplianceSummaryItem,
  DailyComplianceCounts,
  StateCounts,
  ServiceDrift,
  StoredDrift,
  StoredEvaluation,
} from './ComplianceStore';
import { migrateGoldenPathsDatabase } from './DatabaseTemplateVersionStore';
import { SqliteReadConnection } from './SqliteReadConnection';
import { postgresQuery } from './PostgresStatements';
import { coalesceReads } from './CoalescedReads';
import { boundedMemo } from '../boundedMemo';

const TABLE = 'golden_paths_compliance';
const SUMMARY_COLUMNS: Record<ComplianceSummaryGroupBy, string[]> = {
  owner: ['owner'],
  template: ['template_ref'],
  version: ['template_ref', 'current_version'],
};
const HISTORY = 'golden_paths_compliance_history';
const STATES: PolicyState[] = [
  'compliant',
  'warn',
  'block',
  'exempt',
  'unknown',
];
// Keeps every statement well under SQLite's and PostgreSQL's bound-parameter limits.
const CHUNK = 200;

type ComplianceRow = {
  entity_ref: string;
  owner: string;
  template_ref: string | null;
  current_version: string | null;
  latest_version: string | null;
  state: PolicyState;
  reasons: string;
  deadline: string | null;
  lag: string | null;
  exemption_id: string | null;
  drift: string | null;
  evaluated_at: Date | string | number;
  changed_at: Date | string | number;
  hash: string;
};

// Every column, for the statements that must name them; the type keeps the
// list complete.
const COLUMNS = Object.keys({
  entity_ref: true,
  owner: true,
  template_ref: true,
  current_version: true,
  latest_version: true,
  state: true,
  reasons: true,
  deadline: true,
  lag: true,
  exemption_id: true,
  drift: true,
  evaluated_at: true,
  changed_at: true,
  hash: true,
} satisfies Record<keyof ComplianceRow, true>);

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    result.push(items.slice(i, i + size));
  }
  return result;
}

function toRow(
  record: ComplianceRecord,
): Omit<ComplianceRow, 'evaluated_at' | 'changed_at'> {
  const e = record.evaluation;
  const row = {
    entity_ref: record.entityRef,
    owner: record.owner,
    template_ref: e.templateRef ?? null,
    current_version: e.currentVersion ?? null,
    latest_version: e.latestVersion ?? null,
    state: e.state,
    reasons: JSON.stringify(e.reasons),
    deadline: e.deadline ?? null,
    lag: e.lag ? JSON.stringify(e.lag) : null,
    exemption_id: e.exemption?.id ?? null,
    drift: record.drift ? JSON.stringify(record.drift) : null,
  };
  // The hash covers exactly what is stored, so "unchanged" means "same row".
  const hash = createHash('sha256').update(JSON.stringify(row)).digest('hex');
  return { ...row, hash };
}

function toDrift(json: string, withFiles: boolean): StoredDrift {
  const { files, ...rest } = JSON.parse(json) as ServiceDrift;
  return {
    ...rest,
    ...(withFiles && { files }),
    text: summarizeDrift({ files, ...rest }),
  };
}

// The rows a sweep writes share its time, and many share the time they last
// changed: converting each distinct time once, not twice per row, takes a
// fifth off the CPU of a 500-service list.
const isoOfMs = boundedMemo((ms: number) => new Date(ms).toISOString(), 4096);

function isoTime(value: Date | string | number): string {
  return isoOfMs(
    value instanceof Date ? value.getTime() : new Date(value).getTime(),
  );
}

// Lists leave out the file list of each drift: it can run to hundreds of
// entries per service, and rollups only show the counts.
function toEvaluation(
  row: ComplianceRow,
  options: { driftFiles: boolean } = { driftFiles: true },
): StoredEvaluation {
  const evaluation: StoredEvaluation = {
    entityRef: row.entity_ref,
    owner: row.owner,
    state: row.state,
    reasons: JSON.parse(row.reasons),
    evaluatedAt: isoTime(row.evaluated_at),
    changedAt: isoTime(row.changed_at),
  };
  if (row.deadline) evaluation.deadline = row.deadline;
  if (row.lag) evaluation.lag = JSON.parse(row.lag);
  if (row.current_version) evaluation.currentVersion = row.current_version;
  if (row.latest_version) evaluation.latestVersion = row.latest_version;
  if (row.template_ref) evaluation.templateRef = row.template_ref;
  if (row.exemption_id) evaluation.exemptionId = row.exemption_id;
  if (row.drift) evaluation.drift = toDrift(row.drift, options.driftFiles);
  return evaluation;
}

/**
 * Knex implementation of {@link ComplianceStore}, for SQLite and PostgreSQL.
 *
 * @public
 */
export class DatabaseComplianceStore implements ComplianceStore {
  /**
   * With a `lifecycle` to close it on, a SQLite file database also gets a
   * read connection of its own for `getEvaluation`, the gate's one read.
   */
  static async create(options: {
    database: DatabaseService;
    lifecycle?: LifecycleService;
  }): Promise<DatabaseComplianceStore> {
    const db = await migrateGoldenPathsDatabase(options.database);
    const reader = options.lifecycle
      ? SqliteReadConnection.open(db)
      : undefined;
    if (reader) options.lifecycle?.addShutdownHook(() => reader.close());
    return new DatabaseComplianceStore(db, reader);
  }

  /** The gate's one read, on the fastest path the engine has. */
  private readonly readByEntityRef: (
    entityRef: string,
  ) => Promise<ComplianceRow | undefined>;

  constructor(private readonly db: Knex, reader?: SqliteReadConnection) {
    const select = `SELECT ${COLUMNS.join(', ')} FROM ${TABLE}`;
    const withKnex = (entityRef: string) =>
      db<ComplianceRow>(TABLE).where('entity_ref', entityRef).first();
    // On a SQLite file, a statement prepared once on the read connection
    // (knex once that is closed). On PostgreSQL, the reads of one turn of
    // the event loop share one statement: a round trip per request costs
    // both processes more than the lookup itself. It is planned at each
    // run: a plan kept from before the first sweep would read the whole
    // table (PostgresStatements.test.ts).
    const onSqlite = reader?.prepareGet<ComplianceRow>(
      `${select} WHERE entity_ref = ?`,
    );
    const onPostgres = postgresQuery<ComplianceRow>(
      db,
      `${select} WHERE entity_ref = ANY(?)`,
    );
    if (onSqlite) {
      this.readByEntityRef = async entityRef =>
        reader!.open ? onSqlite(entityRef) : withKnex(entityRef);
    } else if (onPostgres) {
      this.readByEntityRef = coalesceReads(async (refs: string[]) => {
        const rows = await onPostgres(db, [refs]);
        return new Map(rows.map(row => [row.entity_ref, row]));
      });
    } else {
      this.readByEntityRef = withKnex;
    }
  }

  async upsertEvaluations(
    records: ComplianceRecord[],
    now: Date,
  ): Promise<{ written: number; unchanged: number }> {
    // The last record for a service wins, as if they had been written in turn.
    const byRef = new Map(records.map(r => [r.entityRef, toRow(r)]));
    let written = 0;
    for (const batch of chunks([...byRef.values()])) {
      const previous = new Map(
        (
          await this.db<ComplianceRow>(TABLE)
            .select('entity_ref', 'hash', 'state', 'changed_at')
            .whereIn(
              'entity_ref',
              batch.map(r => r.entity_ref),
            )
        ).map(r => [r.entity_ref, r]),
      );
      const changed = batch
        .filter(r => previous.get(r.entity_ref)?.hash !== r.hash)
        .map(r => {
          const before = previous.get(r.entity_ref);
          return {
            ...r,
            evaluated_at: now,
            // changed_at tracks the state, not the wording of the reasons.
            changed_at:
              before && before.state === r.state ? before.changed_at : now,
          };
        });
      if (changed.length > 0) {
        await this.db(TABLE).insert(changed).onConflict('entity_ref').merge();
        written += changed.length;
      }
    }
    return { written, unchanged: byRef.size - written };
  }

  async getEvaluation(entityRef: string) {
    const row = await this.readByEntityRef(entityRef);
    return row ? toEvaluation(row) : undefined;
  }

  async listEvaluations(options: {
    owner?: string;
    templateRef?: string;
    state?: PolicyState;
    version?: string;
    limit: number;
    offset: number;
  }) {
    const filtered = () => {
      const query = this.db<ComplianceRow>(TABLE);
      if (options.owner !== undefined) query.where('owner', options.owner);
      if (options.templateRef !== undefined) {
        query.where('template_ref', options.templateRef);
      }
      if (options.state !== undefined) query.where('state', options.state);
      if (options.version !== undefined) {
        query.where('current_version', options.version);
      }
      return query;
    };
    const [rows, [{ count }]] = await Promise.all([
      filtered()
        .select()
        .orderBy('entity_ref', 'asc')
        .limit(options.limit)
        .offset(options.offset),
      filtered().count({ count: '*' }),
    ]);
    return {
      items: (rows as ComplianceRow[]).map(row =>
        toEvaluation(row, { driftFiles: false }),
      ),
      totalCount: Number(count),
    };
  }

  async listTemplateVersions(filter: { owner?: string; templateRef?: string }) {
    const query = this.db<ComplianceRow>(TABLE)
      .select('entity_ref', 'template_ref', 'current_version')
      .whereNotNull('template_ref')
      .whereNotNull('current_version');
    if (filter.owner !== undefined) query.where('owner', filter.owner);
    if (filter.templateRef !== undefined) {
      query.where('template_ref', filter.templateRef);
    }
    const rows = (await query) as Array<
      Pick<ComplianceRow, 'entity_ref' | 'template_ref' | 'current_version'>
    >;
    return rows.map(row => ({
      entityRef: row.entity_ref,
      templateRef: row.template_ref!,
      version: row.current_version!,
    }));
  }

  async summarize(options: {
    groupBy: ComplianceSummaryGroupBy;
    owner?: string;
    templateRef?: string;
  }): Promise<ComplianceSummaryItem[]> {
    const columns = SUMMARY_COLUMNS[options.groupBy];
    const query = this.db<ComplianceRow>(TABLE)
      .select(...columns, 'state')
      .count({ count: '*' })
      .groupBy(...columns, 'state');
    if (options.owner !== undefined) query.where('owner', options.owner);
    if (options.templateRef !== undefined) {
      query.where('template_ref', options.templateRef);
    }
    const rows: Array<Record<string, string | number | null>> = await query;
    const groups = new Map<string, ComplianceSummaryItem>();
    for (const row of rows) {
      const key = JSON.stringify(columns.map(c => row[c] ?? ''));
      let item = groups.get(key);
      if (!item) {
        item = {
          ...(Object.fromEntries(STATES.map(s => [s, 0])) as StateCounts),
          total: 0,
        };
        if (options.groupBy === 'owner') item.owner = String(row.owner);
        else item.templateRef = String(row.template_ref ?? '');
        if (options.groupBy === 'version') {
          item.version = String(row.current_version ?? '');
        }
        groups.set(key, item);
      }
      // PostgreSQL counts are bigint and come back as strings.
      const count = Number(row.count);
      item[row.state as PolicyState] += count;
      item.total += count;
    }
    const keyOf = (item: ComplianceSummaryItem) =>
      `${item.owner ?? ''}\u0000${item.templateRef ?? ''}\u0000${
        item.version ?? ''
      }`;
    return [...groups.values()].sort(
      (a, b) => b.total - a.total || keyOf(a).localeCompare(keyOf(b)),
    );
  }

  async removeMissing(entityRefs: Iterable<string>): Promise<number> {
    const seen = new Set(entityRefs);
    // Diffed here rather than with NOT IN, whose parameter list would grow
    // with the catalog.
    const stored = await this.db<ComplianceRow>(TABLE).select('entity_ref');
    const gone = stored.map(r => r.entity_ref).filter(ref => !seen.has(ref));
    for (const batch of chunks(gone)) {
      await this.db(TABLE).whereIn('entity_ref', batch).delete();
    }
    return gone.length;
  }

  async recordDailyCounts(
    day: string,
    counts: DailyComplianceCounts[],
  ): Promise<void> {
    const rows = counts.map(c => ({
      day,
      owner: c.owner,
      template_ref: c.templateRef,
      ...Object.fromEntries(STATES.map(s => [s, c[s]])),
    }));
    // The latest sweep of a day is that day's snapshot: pairs of owner and
    // template that no longer have services must not keep yesterday's sweep.
    await this.db.transaction(async tx => {
      await tx(HISTORY).where('day', day).delete();
      for (const batch of chunks(rows, 100)) {
        await tx(HISTORY).insert(batch);
      }
    });
  }

  async listHistory(options: {
    owner?: string;
    templateRef?: string;
    from: string;
    to: string;
  }): Promise<ComplianceHistoryPoint[]> {
    const query = this.db(HISTORY)
      .select('day')
      .whereBetween('day', [options.from, options.to])
      .groupBy('day')
      .orderBy('day', 'asc');
    for (const state of STATES) {
      query.sum({ [state]: state });
    }
    if (options.owner !== undefined) query.where('owner', options.owner);
    if (options.templateRef !== undefined) {
      query.where('template_ref', options.templateRef);
    }
    const rows: Record<string, string | number>[] = await query;
    return rows.map(row => ({
      day: String(row.day),
      // PostgreSQL sums are bigint and come back as strings.
      ...(Object.fromEntries(STATES.map(s => [s, Number(row[s])])) as Record<
        PolicyState,
        number
      >),
    }));
  }
}
