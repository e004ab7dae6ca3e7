// Plain JavaScript, so that compliance.bench.ts's client, a worker thread
// running eval'd code, can require it as load.bench.ts imports it.

/**
 * Runs autocannon with `options`; resolves with its result and every
 * response's latency in milliseconds, in the order they came.
 */
async function runLoad(autocannon, options) {
  const latencies = [];
  const instance = autocannon(options);
  instance.on('response', (_client, _status, _bytes, responseTime) => {
    latencies.push(responseTime);
  });
  const result = await instance;
  return { result, latencies };
}

module.exports = { runLoad };
