import { Worker } from 'node:worker_threads';

/** One request the client sends: a path under the base URL. */
export type ClientRequest = {
  path: string;
  method?: 'GET' | 'POST';
  /** A JSON body, sent as `application/json`. */
  body?: string;
};

/** What a round of requests gave. */
export type ClientResult = {
  /** Every response's latency in milliseconds, in the order they came. */
  samples: number[];
  /** Non-2xx responses, socket errors and timeouts. */
  errors: number;
  /** Seconds from the round's start to its last response. */
  seconds: number;
  /** The status and start of the body of the first non-2xx response. */
  firstError?: string;
};

/**
 * The worker's code, eval'd, so it is plain JavaScript: the load comes from
 * autocannon through the same `runLoad` as load.bench.ts
 * (lib/loadClient.cjs), each request in turn from the list it is sent.
 */
const CLIENT_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const autocannon = require(workerData.autocannon);
const { runLoad } = require(workerData.loadClient);
parentPort.on('message', async ({ origin, requests, concurrency, authorization }) => {
  let next = 0;
  let firstError;
  const { result, latencies, seconds } = await runLoad(autocannon, {
    url: origin,
    connections: concurrency,
    amount: requests.length,
    timeout: 30,
    headers: { authorization },
    requests: [{
      setupRequest: req => {
        const { path, method = 'GET', body } = requests[next++ % requests.length];
        return body === undefined
          ? { ...req, path, method }
          : { ...req, path, method, body, headers: { ...req.headers, 'content-type': 'application/json' } };
      },
      onResponse: (status, body) => {
        if ((status < 200 || status > 299) && firstError === undefined) {
          firstError = status + ' ' + String(body).slice(0, 300);
        }
      },
    }],
  });
  parentPort.postMessage({
    samples: latencies,
    errors: result.non2xx + result.errors + result.timeouts,
    seconds,
    firstError,
  });
});
`;

/**
 * An HTTP client in a worker thread of its own, for benchmarks whose server
 * runs in this process: its event loop is not the server's, so a latency is
 * the server's answer plus loopback, not the time a response waited for the
 * client's own callbacks. (The two still share the machine's cores, as a
 * CI runner beside a backend would.) autocannon is far lighter than
 * `fetch`, so the CPU it takes from the server is small.
 */
export class WorkerClient {
  private readonly worker = new Worker(CLIENT_SOURCE, {
    eval: true,
    workerData: {
      autocannon: require.resolve('autocannon'),
      loadClient: require.resolve('./loadClient.cjs'),
    },
  });

  /**
   * @param baseUrl - what every request's path is under, e.g.
   *   `http://127.0.0.1:7007/api/golden-paths`
   * @param authorization - the `authorization` header of every request
   */
  constructor(
    private readonly baseUrl: URL,
    private readonly authorization: string,
  ) {}

  /** Sends `requests`, each once, `concurrency` at a time. */
  fire(requests: ClientRequest[], concurrency: number): Promise<ClientResult> {
    const prefix = this.baseUrl.pathname;
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.worker.once('error', onError);
      this.worker.once('message', (result: ClientResult) => {
        this.worker.off('error', onError);
        resolve(result);
      });
      this.worker.postMessage({
        origin: this.baseUrl.origin,
        requests: requests.map(r => ({ ...r, path: `${prefix}${r.path}` })),
        concurrency,
        authorization: this.authorization,
      });
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
