/** What the golden-paths backend answers on GET /gate. */
export type GateAnswer = {
  decision: 'allow' | 'warn' | 'block';
  reasons: string[];
  state?: string;
  entityRef?: string;
};

/** Where the CLI writes; tests pass their own. */
export type Output = { out(line: string): void; err(line: string): void };

/**
 * Asks the golden-paths gate whether `entityRef` may deploy. Returns the
 * process exit code: 0 to allow (with a printed warning for warn), 1 to block,
 * 2 when the gate could not be asked, so a pipeline never mistakes an outage
 * or a typo for a decision.
 */
export async function runGate(options: {
  entityRef: string;
  baseUrl: string;
  token?: string;
  output: Output;
  fetchImpl?: typeof fetch;
}): Promise<number> {
  const { entityRef, baseUrl, token, output } = options;
  const fetchImpl = options.fetchImpl ?? fetch;
  const url = `${baseUrl.replace(
    /\/+$/,
    '',
  )}/api/golden-paths/gate?entityRef=${encodeURIComponent(entityRef)}`;

  let response: Response;
  try {
    response = await fetchImpl(url, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  } catch (error) {
    output.err(
      `paved gate: cannot reach ${baseUrl}: ${(error as Error).message}`,
    );
    return 2;
  }
  if (!response.ok) {
    const body = await response.text();
    let message = body;
    try {
      message = JSON.parse(body).error?.message ?? body;
    } catch {
      // not JSON: print it as it came
    }
    output.err(`paved gate: ${response.status} from ${url}: ${message}`);
    return 2;
  }

  const answer = (await response.json()) as GateAnswer;
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
