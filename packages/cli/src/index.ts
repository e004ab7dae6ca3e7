/**
 * `paved`: the golden-path gate for pipelines.
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util';
import { Output, runGate } from './commands/gate';

export { runGate } from './commands/gate';
export type { GateAnswer, Output } from './commands/gate';

const usage = `Usage: paved gate <entityRef> [--url <backend>] [--token <token>]

Asks Paved whether a service may deploy. Exit code 0: allow (warnings are
printed), 1: block, 2: the gate could not be asked.

  --url     the Backstage backend (default $PAVED_BACKEND_URL or http://localhost:7007)
  --token   a static external-access token (default $PAVED_TOKEN)
`;

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
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    output.err(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help || !command) {
    output.out(usage);
    return parsed.values.help ? 0 : 2;
  }
  if (command !== 'gate' || rest.length !== 1) {
    output.err(usage);
    return 2;
  }
  return runGate({
    entityRef: rest[0],
    baseUrl:
      parsed.values.url ?? env.PAVED_BACKEND_URL ?? 'http://localhost:7007',
    token: parsed.values.token ?? env.PAVED_TOKEN,
    output,
  });
}
