import express from 'express';
import pinoHttp from 'pino-http';
import { logger } from './logger';
import { healthRouter, setReady } from './http/health';

// Platform wiring: request logging, then the health routes that answer the
// load balancer and the Kubernetes probes. Keep them mounted first.
export const app = express();
app.use(pinoHttp({ logger }));
app.use(express.json());
app.use(healthRouter);

// Your routes go here.
app.get('/', (_req, res) => {
  res.json({ service: '${{ values.name }}' });
});

const port = Number(process.env.PORT ?? ${{ values.port }});

if (require.main === module) {
  const server = app.listen(port, () => {
    logger.info({ port }, 'listening');
  });
  // Fail readiness first so the load balancer drains us, then close.
  process.on('SIGTERM', () => {
    setReady(false);
    server.close(() => process.exit(0));
  });
}
