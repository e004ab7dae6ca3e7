import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  PolicyEvaluation,
  classifyDrift,
} from '@paved/backstage-plugin-golden-paths-common';
import { DatabaseComplianceStore } from './DatabaseComplianceStore';
import { ComplianceRecord } from './ComplianceStore';

jest.setTimeout(60_000);

const NODE = 'template:default/node-service';

function record(
  name: string,
  evaluation: Partial<PolicyEvaluation> = {},
  owner = 'group:default/team-a',
): ComplianceRecord {
  return {
    entityRef: `component:default/${name}`,
    owner,
    evaluation: {
      state: 'compliant',
      reasons: ['on 2.0.0, the latest version'],
      templateRef: NODE,
      currentVersion: '2.0.0',
      latestVersion: '2.0.0',
      ...evaluation,
    },
  };
}

describe('DatabaseComplianceStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });

  async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const store = await DatabaseComplianceStore.create({
      database: mockServices.database({ knex }),
    });
    return { knex, store };
  }

  it.each(databases.eachSupportedId())(
    'writes only evaluations that changed and keeps when the state changed, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const t1 = new Date('2026-11-02T09:00:00Z');
      const t2 = new Date('2026-11-02T09:10:00Z');
      const t3 = new Date('2026-11-02T09:20:00Z');
      const lag = {
        majors: 1,
        minors: 0,
        patches: 0,
        versionsBehind: 2,
        breaking: true,
      } as any;

      expect(
        await store.upsertEvaluations(
          [
            record('a'),
            record('b', {
              state: 'warn',
              reasons: ['too old'],
              currentVersion: '1.0.0',
              deadline: '2027-01-31',
              lag,
            }),
          ],
          t1,
        ),
      ).toEqual({ written: 2, unchanged: 0 });

      // Same content: nothing written. b's wording changes but not its state.
      expect(
        await store.upsertEvaluations(
          [
            record('a'),
            record('b', {
              state: 'warn',
              reasons: ['too old, still'],
              currentVersion: '1.0.0',
              deadline: '2027-01-31',
              lag,
            }),
          ],
          t2,
        ),
      ).toEqual({ written: 1, unchanged: 1 });

      const b = await store.getEvaluation('component:default/b');
      expect(b).toEqual({
        entityRef: 'component:default/b',
        owner: 'group:default/team-a',
        state: 'warn',
        reasons: ['too old, still'],
        deadline: '2027-01-31',
        lag,
        currentVersion: '1.0.0',
        latestVersion: '2.0.0',
        templateRef: NODE,
        evaluatedAt: t2.toISOString(),
        changedAt: t1.toISOString(),
      });

      await store.upsertEvaluations(
        [
          record('b', {
            state: 'exempt',
            reasons: ['exempt'],
            exemption: {
              id: 'e1',
              entityRef: 'component:default/b',
              reason: 'r',
              approvedBy: 'user:default/jane',
              expiresAt: '2027-01-01T00:00:00.000Z',
              createdAt: '2026-11-01T00:00:00.000Z',
            },
          }),
        ],
        t3,
      );
      expect(await store.getEvaluation('component:default/b')).toMatchObject({
        state: 'exempt',
        exemptionId: 'e1',
        changedAt: t3.toISOString(),
      });
      expect(await store.getEvaluation('component:default/a')).toMatchObject({
        evaluatedAt: t1.toISOString(),
      });
      expect(await store.getEvaluation('component:default/nope')).toBe(
        undefined,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'answers reads asked for at once each with its own service, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const now = new Date('2026-11-02T09:00:00Z');
      await store.upsertEvaluations(
        [
          record('a'),
          record('b', { state: 'warn', reasons: ['behind'] }),
          record('c', { state: 'block', reasons: ['far behind'] }),
        ],
        now,
      );
      const refs = ['a', 'b', 'nope', 'c', 'b'].map(
        n => `component:default/${n}`,
      );
      const read = await Promise.all(refs.map(ref => store.getEvaluation(ref)));
      expect(read.map(e => e && [e.entityRef, e.state])).toEqual([
        ['component:default/a', 'compliant'],
        ['component:default/b', 'warn'],
        undefined,
        ['component:default/c', 'block'],
        ['component:default/b', 'warn'],
      ]);
      expect(read[1]?.reasons).toEqual(['behind']);
    },
  );

  it.each(databases.eachSupportedId())(
    'lists with filters and pagination, and removes services gone from the catalog, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const now = new Date('2026-11-02T09:00:00Z');
      await store.upsertEvaluations(
        [
          record('a'),
          record('b', { state: 'block' }),
          record('c', { state: 'block' }, 'group:default/team-b'),
          record('d', { state: 'unknown', templateRef: undefined }),
        ],
        now,
      );

      const page1 = await store.listEvaluations({ limit: 2, offset: 0 });
      expect(page1.totalCount).toBe(4);
      expect(page1.items.map(i => i.entityRef)).toEqual([
        'component:default/a',
        'component:default/b',
      ]);
      const page2 = await store.listEvaluations({ limit: 2, offset: 2 });
      expect(page2.items.map(i => i.entityRef)).toEqual([
        'component:default/c',
        'component:default/d',
      ]);

      const blocked = await store.listEvaluations({
        state: 'block',
        owner: 'group:default/team-a',
        templateRef: NODE,
        limit: 10,
        offset: 0,
      });
      expect(blocked).toEqual({
        items: [expect.objectContaining({ entityRef: 'component:default/b' })],
        totalCount: 1,
      });

      // The version filter is exact: 1.0.0 does not match 1.0.0-rc.1 or 1.0.
      await store.upsertEvaluations(
        [
          record('e', { state: 'warn', currentVersion: '1.0.0' }),
          record('f', { state: 'warn', currentVersion: '1.0.0-rc.1' }),
        ],
        now,
      );
      const onOne = await store.listEvaluations({
        version: '1.0.0',
        limit: 10,
        offset: 0,
      });
      expect(onOne).toEqual({
        items: [
          expect.objectContaining({
            entityRef: 'component:default/e',
            currentVersion: '1.0.0',
          }),
        ],
        totalCount: 1,
      });
      const onTwoForTeamB = await store.listEvaluations({
        version: '2.0.0',
        owner: 'group:default/team-b',
        limit: 10,
        offset: 0,
      });
      expect(onTwoForTeamB.items.map(i => i.entityRef)).toEqual([
        'component:default/c',
      ]);
      await store.removeMissing([
        'component:default/a',
        'component:default/b',
        'component:default/c',
        'component:default/d',
      ]);

      expect(
        await store.removeMissing([
          'component:default/a',
          'component:default/c',
        ]),
      ).toBe(2);
      const rest = await store.listEvaluations({ limit: 10, offset: 0 });
      expect(rest.items.map(i => i.entityRef)).toEqual([
        'component:default/a',
        'component:default/c',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps one snapshot of counts per day and sums them per day, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const counts = (
        owner: string,
        templateRef: string,
        n: Partial<Record<string, number>>,
      ) => ({
        owner,
        templateRef,
        compliant: 0,
        warn: 0,
        block: 0,
        exempt: 0,
        unknown: 0,
        ...n,
      });

      await store.recordDailyCounts('2026-11-01', [
        counts('group:default/team-a', NODE, { compliant: 1, warn: 2 }),
        counts('group:default/team-b', NODE, { block: 1 }),
      ]);
      await store.recordDailyCounts('2026-11-02', [
        counts('group:default/team-a', NODE, { compliant: 5 }),
        counts('group:default/team-b', NODE, { block: 9 }),
      ]);
      // A later sweep on the same day replaces that day, team-b included.
      await store.recordDailyCounts('2026-11-02', [
        counts('group:default/team-a', NODE, { compliant: 3 }),
        counts('group:default/team-a', '', { unknown: 1 }),
      ]);

      const all = await store.listHistory({
        from: '2026-11-01',
        to: '2026-11-30',
      });
      expect(all).toEqual([
        {
          day: '2026-11-01',
          compliant: 1,
          warn: 2,
          block: 1,
          exempt: 0,
          unknown: 0,
        },
        {
          day: '2026-11-02',
          compliant: 3,
          warn: 0,
          block: 0,
          exempt: 0,
          unknown: 1,
        },
      ]);
      expect(
        await store.listHistory({
          owner: 'group:default/team-b',
          from: '2026-11-01',
          to: '2026-11-30',
        }),
      ).toEqual([
        {
          day: '2026-11-01',
          compliant: 0,
          warn: 0,
          block: 1,
          exempt: 0,
          unknown: 0,
        },
      ]);
      expect(
        await store.listHistory({
          templateRef: NODE,
          from: '2026-11-02',
          to: '2026-11-02',
        }),
      ).toEqual([
        {
          day: '2026-11-02',
          compliant: 3,
          warn: 0,
          block: 0,
          exempt: 0,
          unknown: 0,
        },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'stores drift with the evaluation and lists only its summary, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const t1 = new Date('2026-12-04T09:00:00Z');
      const drift = classifyDrift({
        lock: {
          schemaVersion: 1,
          templateRef: NODE,
          version: '2.0.0',
          answers: {},
          files: [
            { path: 'Dockerfile', sha256: 'a'.repeat(64), ownership: 'shared' },
          ],
        },
        current: new Map([['Dockerfile', 'b'.repeat(64)]]),
      });

      await store.upsertEvaluations([record('a', {}), record('b')], t1);
      // Drift is part of the evaluation: a new report is a change to write.
      expect(
        await store.upsertEvaluations([{ ...record('a'), drift }], t1),
      ).toEqual({ written: 1, unchanged: 0 });

      const one = await store.getEvaluation('component:default/a');
      expect(one?.drift).toEqual({
        ...drift,
        text: '1 file changed by the team (not compared with the latest template version)',
      });
      expect(
        (await store.getEvaluation('component:default/b'))?.drift,
      ).toBeUndefined();

      const { items } = await store.listEvaluations({ limit: 10, offset: 0 });
      expect(items[0].drift).toEqual({
        summary: drift.summary,
        comparedWithLatest: false,
        text: one?.drift?.text,
      });
      expect(items[1].drift).toBeUndefined();
    },
  );
  it.each(databases.eachSupportedId())(
    'counts the current services per owner, template and version, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const PY = 'template:default/python-service';
      await store.upsertEvaluations(
        [
          record('a'),
          record('b', { state: 'warn', currentVersion: '1.0.0' }),
          record('c', { state: 'block', currentVersion: '1.0.0' }),
          record('d', {}, 'group:default/team-b'),
          record(
            'e',
            { templateRef: PY, currentVersion: '1.1.0', state: 'exempt' },
            'group:default/team-b',
          ),
          record(
            'f',
            {
              state: 'unknown',
              templateRef: undefined,
              currentVersion: undefined,
              latestVersion: undefined,
            },
            'group:default/team-c',
          ),
        ],
        new Date('2026-11-02T09:00:00Z'),
      );
      const zero = { compliant: 0, warn: 0, block: 0, exempt: 0, unknown: 0 };

      expect(await store.summarize({ groupBy: 'owner' })).toEqual([
        {
          ...zero,
          owner: 'group:default/team-a',
          compliant: 1,
          warn: 1,
          block: 1,
          total: 3,
        },
        {
          ...zero,
          owner: 'group:default/team-b',
          compliant: 1,
          exempt: 1,
          total: 2,
        },
        { ...zero, owner: 'group:default/team-c', unknown: 1, total: 1 },
      ]);

      expect(await store.summarize({ groupBy: 'template' })).toEqual([
        {
          ...zero,
          templateRef: NODE,
          compliant: 2,
          warn: 1,
          block: 1,
          total: 4,
        },
        { ...zero, templateRef: '', unknown: 1, total: 1 },
        { ...zero, templateRef: PY, exempt: 1, total: 1 },
      ]);

      expect(
        await store.summarize({ groupBy: 'version', templateRef: NODE }),
      ).toEqual([
        {
          ...zero,
          templateRef: NODE,
          version: '1.0.0',
          warn: 1,
          block: 1,
          total: 2,
        },
        {
          ...zero,
          templateRef: NODE,
          version: '2.0.0',
          compliant: 2,
          total: 2,
        },
      ]);

      expect(
        await store.summarize({
          groupBy: 'owner',
          owner: 'group:default/team-b',
        }),
      ).toEqual([
        {
          ...zero,
          owner: 'group:default/team-b',
          compliant: 1,
          exempt: 1,
          total: 2,
        },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'reads through knex on %p, with nothing to close on shutdown',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const lifecycle = mockServices.lifecycle.mock();
      const store = await DatabaseComplianceStore.create({
        database: mockServices.database({ knex }),
        lifecycle,
      });
      await store.upsertEvaluations([record('a')], new Date());

      expect((await store.getEvaluation('component:default/a'))?.state).toBe(
        'compliant',
      );
      expect(lifecycle.addShutdownHook).not.toHaveBeenCalled();
    },
  );

  it('reads a SQLite file through a connection of its own that sees every commit, and closes it on shutdown', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-reader-'));
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'golden-paths.sqlite') },
      useNullAsDefault: true,
      // A read that queued behind the open transaction below fails fast.
      acquireConnectionTimeout: 5_000,
    });
    const lifecycle = mockServices.lifecycle.mock();
    const store = await DatabaseComplianceStore.create({
      database: mockServices.database({ knex }),
      lifecycle,
    });
    const ref = 'component:default/a';
    const stateOf = async () => (await store.getEvaluation(ref))?.state;
    let tx: Knex.Transaction | undefined;
    try {
      expect(lifecycle.addShutdownHook).toHaveBeenCalledTimes(1);
      expect(await store.getEvaluation(ref)).toBeUndefined();

      await store.upsertEvaluations([record('a')], new Date());
      expect(await stateOf()).toBe('compliant');
      await store.upsertEvaluations(
        [
          record('a', {
            state: 'warn',
            reasons: ['too old'],
            currentVersion: '1.0.0',
            deadline: '2027-01-31',
          }),
        ],
        new Date(),
      );
      expect(await stateOf()).toBe('warn');

      // A write still in its transaction holds knex's one SQLite connection:
      // the read neither waits for it nor sees it until it commits.
      tx = await knex.transaction();
      await tx('golden_paths_compliance')
        .where('entity_ref', ref)
        .update({ state: 'block' });
      expect(await stateOf()).toBe('warn');
      await tx.commit();
      const committed = await store.getEvaluation(ref);
      expect(committed?.state).toBe('block');

      // After shutdown, reads go back to knex, and read the same.
      const [[closeReader]] = lifecycle.addShutdownHook.mock.calls;
      await closeReader();
      expect(await store.getEvaluation(ref)).toEqual(committed);
    } finally {
      if (tx && !tx.isCompleted()) await tx.rollback();
      await knex.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
