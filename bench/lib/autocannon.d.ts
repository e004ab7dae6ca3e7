// The part of autocannon 8's API the load benchmark uses (it ships no types).
declare module 'autocannon' {
  import { EventEmitter } from 'node:events';

  type Request = {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
  };
  type Options = {
    url: string;
    connections?: number;
    duration?: number;
    timeout?: number;
    headers?: Record<string, string>;
    method?: string;
    requests?: Array<
      Request & { setupRequest?: (request: Request) => Request }
    >;
  };
  type Result = {
    requests: { average: number; total: number };
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    duration: number;
  };
  type Instance = EventEmitter &
    PromiseLike<Result> & {
      on(
        event: 'response',
        listener: (
          client: unknown,
          statusCode: number,
          resBytes: number,
          responseTime: number,
        ) => void,
      ): Instance;
    };

  function autocannon(options: Options): Instance;
  export = autocannon;
}
