import { Router } from 'express';

/**
 * Liveness route, owned by the golden path: probes and the deployment gate
 * call it, so its path and response shape stay the same across services.
 */
export const healthRouter = Router();

healthRouter.get('/healthz', (_req, res) => {
  res.json({ status: 'ok', service: '${{ values.name }}' });
});
