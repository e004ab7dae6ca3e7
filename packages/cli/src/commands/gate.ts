import { BackendOptions, Output, callGoldenPaths } from '../backend';

/** What the golden-paths backend answers on GET /gate. */
export type GateAnswer = {
  decision: 'allow' | 'warn' | 'block';
  reasons: string[];
  state?: string;
  entityRef?: string;
};

/**
 * Asks the golden-paths gate whether `entityRef` may deploy. Returns the
 * process exit code: 0 to allow (with a printed warning for warn), 1 to block,
 * 2 when the gate could not be asked, so a pipeline never mistakes an outage
 * or a typo for a decision.
 */
export async function runGate(
  options: BackendOptions & { entityRef: string; output: Output },
): Promise<number> {
  const { entityRef, baseUrl, output } = options;
  const result = await callGoldenPaths({
    ...options,
    path: `/gate?entityRef=${encodeURIComponent(entityRef)}`,
  });
  if (result.kind === 'unreachable') {
    output.err(`paved gate: cannot reach ${baseUrl}: ${result.message}`);
    return 2;
  }
  if (result.kind === 'refused') {
    output.err(
      `paved gate: ${result.status} from ${result.url}: ${result.message}`,
    );
    return 2;
  }

  const answer = result.body as GateAnswer;
  const reasons = answer.reasons ?? [];
  switch (answer.decision) {
    case 'allow':
      output.out(`allow: ${entityRef} may deploy`);
      reasons.forEach(r => output.out(`  - ${r}`));
      return 0;
    case 'warn':
      output.err(`warn: ${entityRef} may deploy, but:`);
      reasons.forEach(r => output.err(`  - ${r}`));
      return 0;
    case 'block':
      output.err(`block: ${entityRef} may not deploy:`);
      reasons.forEach(r => output.err(`  - ${r}`));
      return 1;
    default:
      output.err(`paved gate: unexpected answer ${JSON.stringify(answer)}`);
      return 2;
  }
}
