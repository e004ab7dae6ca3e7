/** Where the CLI writes; tests pass their own. */
export type Output = { out(line: string): void; err(line: string): void };

/** How the CLI reaches the golden-paths backend. */
export type BackendOptions = {
  /** The Backstage backend, e.g. `https://backstage.example.com`. */
  baseUrl: string;
  /** A static external-access token, sent as a bearer token. */
  token?: string;
  fetchImpl?: typeof fetch;
};

/** What a call to the golden-paths backend came to. */
export type BackendResult =
  | { kind: 'ok'; url: string; status: number; body: unknown }
  /** The backend answered with an error status; `message` is its own. */
  | { kind: 'refused'; url: string; status: number; message: string }
  /** No answer at all: DNS, connection refused, TLS, … */
  | { kind: 'unreachable'; url: string; message: string };

/** The default backend URL and token, from flags then the environment. */
export function resolveBackendOptions(
  flags: { url?: string; token?: string },
  env: NodeJS.ProcessEnv,
): BackendOptions {
  return {
    baseUrl: flags.url ?? env.PAVED_BACKEND_URL ?? 'http://localhost:7007',
    token: flags.token ?? env.PAVED_TOKEN,
  };
}

/**
 * Calls `/api/golden-paths<path>` with the token, a JSON body if given, and
 * sorts the outcome so each command can map it to its exit codes.
 */
export async function callGoldenPaths(
  options: BackendOptions & { path: string; body?: unknown },
): Promise<BackendResult> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const url = `${options.baseUrl.replace(/\/+$/, '')}/api/golden-paths${
    options.path
  }`;
  const headers: Record<string, string> = options.token
    ? { authorization: `Bearer ${options.token}` }
    : {};
  let response: Response;
  try {
    response = await fetchImpl(
      url,
      options.body === undefined
        ? { headers }
        : {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify(options.body),
          },
    );
  } catch (error) {
    return { kind: 'unreachable', url, message: (error as Error).message };
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try {
      message = JSON.parse(text).error?.message ?? text;
    } catch {
      // not JSON: print it as it came
    }
    return { kind: 'refused', url, status: response.status, message };
  }
  try {
    return {
      kind: 'ok',
      url,
      status: response.status,
      body: JSON.parse(text),
    };
  } catch {
    return {
      kind: 'refused',
      url,
      status: response.status,
      message: `not a JSON answer: ${text.slice(0, 200)}`,
    };
  }
}
