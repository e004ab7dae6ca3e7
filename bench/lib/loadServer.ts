/**
 * The golden-paths plugin as a server of its own, for load.bench.ts and the
 * ingest rows of dora.bench.ts (started by lib/serverProcess.ts): run in a
 * child process so the load generator shares neither its event loop nor its
 * heap.
 * Reads PAVED_LOAD_SERVICES (catalog size) and PAVED_LOAD_DB (a knex config,
 * JSON), starts the real plugin with `startTestBackend` on that database and
 * the seeded catalog of lib/doraGenerator, runs the compliance sweep (unless
 * PAVED_LOAD_SWEEP is 0: the database has its rows already), then
 * prints `ready <port>` and serves until killed, answering each IPC message
 * with its CPU usage so far.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { Session } from 'node:inspector/promises';
import { writeFile } from 'node:fs/promises';
import { startBenchPlugin } from './benchPlugin';
import knexFactory from 'knex';
import { generateDoraCatalog } from './doraGenerator';

async function main() {
  const services = Number(process.env.PAVED_LOAD_SERVICES);
  const knex = knexFactory(JSON.parse(process.env.PAVED_LOAD_DB ?? ''));
  const catalog = generateDoraCatalog(services);
  const backend = await startBenchPlugin(catalog.entities, knex);
  const port = backend.server.port();
  if (process.env.PAVED_LOAD_SWEEP !== '0') {
    const sweep = await fetch(
      `http://127.0.0.1:${port}/api/golden-paths/admin/sweep`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${mockCredentials.user.token()}` },
      },
    );
    if (!sweep.ok)
      throw new Error(`sweep: ${sweep.status} ${await sweep.text()}`);
  }
  // The load bench asks, before and after each row, how much CPU this
  // process has used: server CPU per request is steadier than throughput on
  // a machine shared with the load generator.
  // With PAVED_BENCH_PROFILE set, the bench also asks for a CPU profile of
  // each row: `{ profile: 'start' }` before it, `{ profile: file }` after.
  let inspector: Session | undefined;
  process.on('message', async (message: { profile?: string }) => {
    if (message.profile === 'start') {
      inspector ??= new Session();
      inspector.connect();
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.start');
    } else if (message.profile && inspector) {
      const { profile } = await inspector.post('Profiler.stop');
      inspector.disconnect();
      await writeFile(message.profile, JSON.stringify(profile));
    }
    process.send?.(process.cpuUsage());
  });
  process.stdout.write(`ready ${port}\n`);
  const stop = async () => {
    await backend.stop();
    await knex.destroy();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
