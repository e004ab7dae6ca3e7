import knexFactory, { Knex } from 'knex';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The engines a benchmark runs on. */
export type BenchEngine = 'sqlite' | 'postgres';

/** PostgreSQL server for benchmarks: PAVED_BENCH_PG_URL, else local trust auth. */
export const BENCH_PG_URL =
  process.env.PAVED_BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432';

/** A benchmark's own database, and how to throw it away afterwards. */
export type BenchDatabase = {
  engine: BenchEngine;
  knex: Knex;
  /** How a separate process connects to the same database (knex config). */
  connection: Knex.Config;
  drop: () => Promise<void>;
};

/**
 * A fresh database: SQLite in a temporary file, or a PostgreSQL database
 * named `name` (dropped first if a crashed run left it behind).
 */
export async function createBenchDatabase(
  engine: BenchEngine,
  name: string,
): Promise<BenchDatabase> {
  if (engine === 'sqlite') {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), `${name}-`));
    const connection: Knex.Config = {
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'golden-paths.sqlite') },
      useNullAsDefault: true,
    };
    const knex = knexFactory(connection);
    return {
      engine,
      knex,
      connection,
      drop: async () => {
        await knex.destroy();
        await fs.rm(dir, { recursive: true, force: true });
      },
    };
  }
  const admin = knexFactory({
    client: 'pg',
    connection: `${BENCH_PG_URL}/postgres`,
  });
  await admin.raw(`DROP DATABASE IF EXISTS ${name}`);
  await admin.raw(`CREATE DATABASE ${name}`);
  const connection: Knex.Config = {
    client: 'pg',
    connection: `${BENCH_PG_URL}/${name}`,
    pool: { min: 0, max: 10 },
  };
  const knex = knexFactory(connection);
  return {
    engine,
    knex,
    connection,
    drop: async () => {
      await knex.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${name}`);
      await admin.destroy();
    },
  };
}

/** The PostgreSQL server's version, or undefined when it is unreachable. */
export async function benchPostgresVersion(): Promise<string | undefined> {
  const admin = knexFactory({
    client: 'pg',
    connection: `${BENCH_PG_URL}/postgres`,
  });
  try {
    const { rows } = await admin.raw('SHOW server_version');
    return rows[0].server_version;
  } catch {
    return undefined;
  } finally {
    await admin.destroy();
  }
}

/** Engines from PAVED_BENCH_ENGINES (default both), PostgreSQL only if reachable. */
export async function benchEngines(): Promise<{
  engines: BenchEngine[];
  postgresVersion?: string;
  notes: string[];
}> {
  const wanted = (process.env.PAVED_BENCH_ENGINES ?? 'sqlite,postgres')
    .split(',')
    .map(s => s.trim()) as BenchEngine[];
  const postgresVersion = wanted.includes('postgres')
    ? await benchPostgresVersion()
    : undefined;
  const notes =
    wanted.includes('postgres') && !postgresVersion
      ? [`PostgreSQL at ${BENCH_PG_URL} unreachable: skipped.`]
      : [];
  return {
    engines: wanted.filter(e => e !== 'postgres' || postgresVersion),
    postgresVersion,
    notes,
  };
}

/** A percentile by nearest rank over sorted samples: always a real sample. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(sorted.length * p) - 1)];
}
