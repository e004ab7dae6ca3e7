import { InputError } from '@backstage/errors';
import express from 'express';
import { once } from 'node:events';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import zlib from 'node:zlib';
import { BODY_LIMIT_BYTES, PayloadTooLargeError, jsonBody } from './httpBodies';

/** A request stream with headers, fed by the test. */
function request(headers: Record<string, string>) {
  const req = new PassThrough() as unknown as express.Request & PassThrough;
  Object.assign(req, { headers });
  return req;
}

/** Runs the reader; resolves with what it passed to `next`. */
function read(req: express.Request) {
  return new Promise<unknown>(resolve =>
    jsonBody()(req, {} as express.Response, resolve),
  );
}

describe('jsonBody', () => {
  it('reads a body that arrives in several chunks', async () => {
    const req = request({ 'content-type': 'application/cloudevents+json' });
    const next = read(req);
    req.write('{"id":');
    req.write('"a1","n":[1,');
    req.end('2]}');
    await expect(next).resolves.toBeUndefined();
    expect(req.body).toEqual({ id: 'a1', n: [1, 2] });
  });

  it('reads a gzip body', async () => {
    const req = request({
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    const next = read(req);
    req.end(zlib.gzipSync(JSON.stringify({ id: 'zipped' })));
    await expect(next).resolves.toBeUndefined();
    expect(req.body).toEqual({ id: 'zipped' });
  });

  it('refuses a body that grows past the limit without a content-length', async () => {
    const req = request({ 'content-type': 'application/json' });
    const next = read(req);
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    for (let i = 0; i <= BODY_LIMIT_BYTES / chunk.length; i++) {
      req.write(chunk);
    }
    await expect(next).resolves.toBeInstanceOf(PayloadTooLargeError);
  });

  it('answers with a 400 when the client goes away mid-body', async () => {
    const req = request({ 'content-type': 'application/json' });
    const next = read(req);
    req.write('{"id":"a');
    req.destroy();
    const error = await next;
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/closed before the body ended/);
  });

  it('answers with a 400 when a gzip body is cut off', async () => {
    const req = request({
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    const next = read(req);
    const zipped = zlib.gzipSync(JSON.stringify({ id: 'x'.repeat(1000) }));
    req.write(zipped.subarray(0, 20));
    req.destroy();
    const error = await next;
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/could not be read|closed/);
  });

  describe('a body the HTTP parser has already read whole', () => {
    /** A request whose body is all buffered, as `complete` says. */
    function complete(headers: Record<string, string>, ...chunks: Buffer[]) {
      const req = request(headers);
      for (const chunk of chunks) req.write(chunk);
      req.end();
      return Object.assign(req, { complete: true });
    }

    it('reads it from the buffer, in several chunks', async () => {
      const req = complete(
        { 'content-type': 'application/json' },
        Buffer.from('\uFEFF{"id":"b'),
        Buffer.from('1","ok":true}'),
      );
      await expect(read(req)).resolves.toBeUndefined();
      expect(req.body).toEqual({ id: 'b1', ok: true });
    });

    it('reads an empty body as {}', async () => {
      const req = complete({ 'content-type': 'application/json' });
      await expect(read(req)).resolves.toBeUndefined();
      expect(req.body).toEqual({});
    });

    it('refuses one over the limit without a content-length', async () => {
      const req = complete(
        { 'content-type': 'application/json' },
        Buffer.alloc(BODY_LIMIT_BYTES + 1, 0x20),
      );
      await expect(read(req)).resolves.toBeInstanceOf(PayloadTooLargeError);
    });

    it('answers with a 400 when it is not JSON', async () => {
      const req = complete(
        { 'content-type': 'application/json' },
        Buffer.from('{"id":'),
      );
      const error = await read(req);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(/not valid JSON/);
    });
  });

  // The reader runs as soon as the headers are read, or, as in the backend
  // (auth comes first), a turn or more later, when a small body is in.
  it.each([
    ['at once', false],
    ['a turn after the headers', true],
  ])(
    'reads bodies over real HTTP, whole or streamed slowly, on one connection, run %s',
    async (_when, later) => {
      const app = express();
      app.post(
        '/',
        (_req, _res, next) => (later ? setImmediate(() => next()) : next()),
        jsonBody(),
        (req, res) => {
          res.json(req.body);
        },
      );
      const server = http.createServer(app).listen(0, '127.0.0.1');
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      /**
       * Sends one chunk at once, or several with a pause between them
       * (chunked); resolves with the answer.
       */
      const post = (chunks: string[]) =>
        new Promise<{ status?: number; body: string }>((resolve, reject) => {
          const req = http.request(
            {
              port,
              method: 'POST',
              agent,
              headers: { 'content-type': 'application/json' },
            },
            res => {
              let body = '';
              res.on('data', chunk => {
                body += chunk;
              });
              res.on('end', () => resolve({ status: res.statusCode, body }));
            },
          );
          req.on('error', reject);
          if (chunks.length === 1) {
            // Headers and body in one write, with a content-length.
            req.setHeader('content-length', Buffer.byteLength(chunks[0]));
            req.end(chunks[0]);
            return;
          }
          void (async () => {
            for (const chunk of chunks) {
              req.write(chunk);
              await new Promise(r => setTimeout(r, 20));
            }
            req.end();
          })();
        });
      try {
        await expect(post(['{"id":"whole"}'])).resolves.toEqual({
          status: 200,
          body: '{"id":"whole"}',
        });
        await expect(post(['{"id":', '"slow","n":', '[1]}'])).resolves.toEqual({
          status: 200,
          body: '{"id":"slow","n":[1]}',
        });
        // The connection is still good for the next request.
        await expect(post(['[1,2]'])).resolves.toEqual({
          status: 200,
          body: '[1,2]',
        });
      } finally {
        agent.destroy();
        server.close();
      }
    },
  );
});
