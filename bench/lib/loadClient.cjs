// Plain JavaScript, so that lib/workerClient.ts's worker thread, which runs
// eval'd code, can require it as load.bench.ts imports it.

const { performance } = require('node:perf_hooks');

/**
 * Runs autocannon with `options`; resolves with its result, every
 * response's latency in milliseconds, in the order they came, and the
 * seconds from the start to the last response (autocannon itself ends a run
 * of a fixed `amount` at its next one-second tick).
 */
async function runLoad(autocannon, options) {
  const latencies = [];
  const started = performance.now();
  let last = started;
  const instance = autocannon(options);
  instance.on('response', (_client, _status, _bytes, responseTime) => {
    latencies.push(responseTime);
    last = performance.now();
  });
  const result = await instance;
  return { result, latencies, seconds: (last - started) / 1000 };
}

module.exports = { runLoad };
