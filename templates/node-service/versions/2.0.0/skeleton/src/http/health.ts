import { Router } from 'express';

/**
 * Liveness and readiness routes, owned by the golden path: probes and the
 * deployment gate call them, so their paths and response shapes stay the same
 * across services.
 */
export const healthRouter = Router();

let ready = true;

/** Marks the service as (not) ready to take traffic, e.g. while draining. */
export function setReady(value: boolean) {
  ready = value;
}

healthRouter.get('/healthz', (_req, res) => {
  res.json({ status: 'ok', service: '${{ values.name }}' });
});

healthRouter.get('/readyz', (_req, res) => {
  res.status(ready ? 200 : 503).json({ ready });
});
