import { InputError } from '@backstage/errors';
import express from 'express';
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
});
