import { spawn } from 'node:child_process';
import path from 'node:path';

/** The golden-paths plugin served by lib/loadServer.ts in a child process. */
export type ServerProcess = {
  port: number;
  /**
   * The server's CPU time so far (user + system), in microseconds. With
   * `profile`, the server also starts a CPU profile (`'start'`) or writes
   * the one it took to that file.
   */
  cpuMicros: (profile?: string) => Promise<number>;
  stop: () => Promise<void>;
};

/**
 * Starts lib/loadServer.ts in a child process, on the database `db` (a knex
 * config) with the seeded catalog of `services` services; resolves once it
 * is ready. The benchmark that drives it then shares no event loop and no
 * heap with it: its own data and its load generator's garbage are not the
 * server's.
 */
export async function startServerProcess(
  services: number,
  db: object,
  options: { sweep?: boolean } = {},
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'loadServer.ts')],
    {
      env: {
        ...process.env,
        PAVED_LOAD_SERVICES: String(services),
        PAVED_LOAD_DB: JSON.stringify(db),
        PAVED_LOAD_SWEEP: options.sweep === false ? '0' : '1',
      },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', chunk => {
      buffered += chunk;
      const m = /ready (\d+)/.exec(buffered);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', code => reject(new Error(`server exited with ${code}`)));
  });
  return {
    port,
    cpuMicros: profile =>
      new Promise<number>(resolve => {
        child.once('message', usage => {
          const { user, system } = usage as NodeJS.CpuUsage;
          resolve(user + system);
        });
        child.send({ profile });
      }),
    stop: () =>
      new Promise<void>(resolve => {
        // A server that has exited already (it crashed) has nothing to stop.
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
