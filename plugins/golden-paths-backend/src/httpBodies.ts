import { CustomErrorBase, InputError } from '@backstage/errors';
import express from 'express';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';

/** A 413 that says the limit. */
export class PayloadTooLargeError extends CustomErrorBase {
  name = 'PayloadTooLargeError' as const;
  statusCode = 413;
}

/** A 415 that says what is accepted. */
export class UnsupportedMediaTypeError extends CustomErrorBase {
  name = 'UnsupportedMediaTypeError' as const;
  statusCode = 415;
}

const JSON_MEDIA_TYPE = /^application\/(?:[^/;\s]+\+)?json$/;

/** The largest request body the plugin reads, decoded: 1 MiB. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

function tooLarge() {
  return new PayloadTooLargeError(
    `the payload is larger than ${BODY_LIMIT_BYTES / 1024 / 1024} MiB`,
  );
}

/**
 * The raw bytes of any content type into `req.body` (a Buffer), for a route
 * that must check a signature over them; a 413 over the limit.
 */
export function rawBody(): express.RequestHandler {
  const parse = express.raw({ type: () => true, limit: BODY_LIMIT_BYTES });
  return (req, res, next) =>
    parse(req, res, (error?: unknown) => {
      const type = (error as { type?: string } | undefined)?.type;
      next(type === 'entity.too.large' ? tooLarge() : error);
    });
}

/**
 * Reads a JSON request body into `req.body`, for the ingest route alone:
 * `application/json` or any `application/*+json` (CloudEvents), UTF-8,
 * plain, gzip or deflate, at most {@link BODY_LIMIT_BYTES} once decoded. It does what
 * `express.json()` does there at a third of the cost per request, which
 * matters at thousands of single-event requests a second; other routes keep
 * `express.json()`.
 *
 * Refuses with a 415 (another media type, charset or encoding), a 413 (over
 * the limit) or a 400 (not JSON). An empty body reads as `{}`, as with
 * `express.json()`.
 */
export function jsonBody(): express.RequestHandler {
  return (req, _res, next) => {
    readJson(req).then(body => {
      req.body = body;
      next();
    }, next);
  };
}

/** Refuses (415) a content type other than JSON in UTF-8. */
function checkJsonMediaType(req: express.Request) {
  const contentType = req.headers['content-type'];
  // What nearly every client sends, without splitting it up.
  if (contentType === 'application/json') return;
  const [mediaType, ...parameters] = (contentType ?? '')
    .split(';')
    .map(part => part.trim().toLowerCase());
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    req.resume();
    throw new UnsupportedMediaTypeError(
      `content-type must be application/json or application/*+json, not ${
        mediaType || 'missing'
      }`,
    );
  }
  const charset = parameters
    .find(p => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/^"|"$/g, '');
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    req.resume();
    throw new UnsupportedMediaTypeError(
      `charset ${charset} is not supported; send UTF-8`,
    );
  }
}

async function readJson(req: express.Request) {
  checkJsonMediaType(req);
  const contentEncoding = req.headers['content-encoding'];
  const encoding =
    contentEncoding === undefined
      ? 'identity'
      : contentEncoding.trim().toLowerCase();
  let source: Readable = req;
  if (encoding === 'gzip' || encoding === 'x-gzip') {
    source = req.pipe(zlib.createGunzip());
  } else if (encoding === 'deflate') {
    source = req.pipe(zlib.createInflate());
  } else if (encoding !== 'identity') {
    req.resume();
    throw new UnsupportedMediaTypeError(
      `content-encoding ${encoding} is not supported; send gzip, deflate or none`,
    );
  } else if (Number(req.headers['content-length']) > BODY_LIMIT_BYTES) {
    req.resume();
    throw tooLarge();
  }

  // Middleware that awaits only promises already settled (auth, mostly)
  // runs before the HTTP parser has read the body of the same packet: one
  // turn of the event loop later, a small body is in.
  if (source === req && !req.complete) {
    await new Promise(resolve => setImmediate(resolve));
  }
  const { chunks, size } =
    source === req && req.complete
      ? readBuffered(req)
      : await readStream(req, source);
  let text = (
    chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)
  ).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (/^\s*$/.test(text)) return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(
      `the request body is not valid JSON: ${(error as Error).message}`,
    );
  }
}

/**
 * The body of a request that the HTTP parser has already read whole (a
 * small one, which came in the packets of its headers): taken from the
 * stream's buffer at once, without the listeners and turns of reading it as
 * a stream, which cost a tenth of a single-event request.
 */
function readBuffered(req: express.Request): {
  chunks: Buffer[];
  size: number;
} {
  const chunks: Buffer[] = [];
  let size = 0;
  for (let chunk = req.read(); chunk !== null; chunk = req.read()) {
    chunks.push(chunk);
    size += chunk.length;
  }
  // Without a content-length (chunked), the limit is checked here.
  if (size > BODY_LIMIT_BYTES) throw tooLarge();
  return { chunks, size };
}

/** The body as it streams in, decoded by `source`, at most the limit. */
function readStream(
  req: express.Request,
  source: Readable,
): Promise<{ chunks: Buffer[]; size: number }> {
  // Listeners rather than `for await`: an async iterator per request costs
  // more than the few chunks of a typical event.
  return new Promise<{
    chunks: Buffer[];
    size: number;
  }>((resolve, reject) => {
    const read: Buffer[] = [];
    let total = 0;
    const fail = (error: Error) => {
      source.destroy();
      req.resume();
      reject(
        error instanceof PayloadTooLargeError
          ? error
          : new InputError(`the request body could not be read: ${error}`),
      );
    };
    source.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > BODY_LIMIT_BYTES) fail(tooLarge());
      else read.push(chunk);
    });
    let ended = false;
    source.once('end', () => {
      ended = true;
      resolve({ chunks: read, size: total });
    });
    source.once('error', fail);
    // A client that goes away mid-body ends the stream without 'end'.
    source.once('close', () => {
      if (!ended)
        fail(new Error('the connection closed before the body ended'));
    });
    if (source !== req) {
      req.once('error', fail);
      req.once('close', () => {
        if (!req.readableEnded) {
          fail(new Error('the connection closed before the body ended'));
        }
      });
    }
    // A stream closed while the reader waited for its turn says so no more.
    if (req.destroyed && !req.readableEnded) {
      fail(new Error('the connection closed before the body ended'));
    }
  });
}

/**
 * Writes `body` as a JSON response, for the routes that pipelines call at
 * thousands a second (gate, ingest, webhook, health). What `res.json()`
 * does, without the ETag (a SHA-1 of every body) and content-type
 * re-parsing, which are a tenth of such a request's CPU and buy nothing for
 * answers that are never cached.
 */
export function sendJson(res: express.Response, body: unknown, status = 200) {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}
