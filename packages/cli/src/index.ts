/**
 * `paved`: the golden-path gate and DORA events for pipelines.
 *
 * @packageDocumentation
 */
import { parseArgs, ParseArgsConfig } from 'node:util';
import { Output, resolveBackendOptions } from './backend';
import { EventFlags, runEventsSend } from './commands/events';
import { runGate } from './commands/gate';

export { callGoldenPaths, resolveBackendOptions } from './backend';
export type { BackendOptions, BackendResult, Output } from './backend';
export { runGate } from './commands/gate';
export type { GateAnswer } from './commands/gate';
export {
  derivedEventId,
  eventFromFlags,
  runEventsSend,
} from './commands/events';
export type { EventFlags, EventKind, PlainDoraEvent } from './commands/events';

const usage = `Usage:
  paved gate <entityRef>
  paved events send deployment --entity <ref> --environment <env> [--version <v>]
        [--id <id>] [--at <ISO>] [--failed] [--rollback] [--changes c1,c2] [--resolves i1,i2]
  paved events send change --entity <ref> --id <id> --merged-at <ISO> [--first-commit-at <ISO>]
  paved events send incident --entity <ref> --id <id> --started-at <ISO>
        [--resolved-at <ISO>] [--deployment <deploymentId>]
  paved events send --file <events.json>

paved gate asks Paved whether a service may deploy. Exit code 0: allow
(warnings are printed), 1: block, 2: the gate could not be asked.

paved events send reports a DORA event (or a file of them, as one batch).
Exit code 0: stored (or already stored), 1: the backend rejected the events,
2: nothing sent (bad usage) or the backend could not be reached.

Every command takes:
  --url     the Backstage backend (default $PAVED_BACKEND_URL or http://localhost:7007)
  --token   a static external-access token (default $PAVED_TOKEN)
`;

const common = {
  url: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const eventOptions = {
  ...common,
  entity: { type: 'string' },
  environment: { type: 'string' },
  version: { type: 'string' },
  id: { type: 'string' },
  at: { type: 'string' },
  failed: { type: 'boolean' },
  rollback: { type: 'boolean' },
  changes: { type: 'string' },
  resolves: { type: 'string' },
  'merged-at': { type: 'string' },
  'first-commit-at': { type: 'string' },
  'started-at': { type: 'string' },
  'resolved-at': { type: 'string' },
  deployment: { type: 'string' },
  file: { type: 'string' },
} as const;

const console_: Output = {
  out: line => process.stdout.write(`${line}\n`),
  err: line => process.stderr.write(`${line}\n`),
};

/** Runs the CLI with `argv` (without node and the script); resolves to the exit code. */
export async function main(
  argv: string[],
  output: Output = console_,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  // The command decides which flags are valid, so find it first, leniently.
  const command = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: eventOptions,
  }).positionals.slice(0, 2);
  const isEvents = command[0] === 'events';

  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: (isEvents ? eventOptions : common) as ParseArgsConfig['options'],
    });
  } catch (error) {
    output.err(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const values = parsed.values as EventFlags & {
    url?: string;
    token?: string;
    help?: boolean;
  };
  const [name, ...rest] = parsed.positionals;
  if (values.help || !name) {
    output.out(usage);
    return values.help ? 0 : 2;
  }
  const backend = resolveBackendOptions(values, env);

  if (name === 'gate' && rest.length === 1) {
    return runGate({ ...backend, entityRef: rest[0], output });
  }
  if (name === 'events' && rest[0] === 'send' && rest.length <= 2) {
    const { url: _url, token: _token, help: _help, ...flags } = values;
    return runEventsSend({ ...backend, kind: rest[1], flags, output });
  }
  output.err(usage);
  return 2;
}
