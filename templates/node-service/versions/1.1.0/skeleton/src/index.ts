import express from 'express';
import pinoHttp from 'pino-http';
import { logger } from './logger';
import { healthRouter } from './routes/health';

// Platform wiring: request logging, then the health route that answers the
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
  app.listen(port, () => {
    logger.info({ port }, 'listening');
  });
}
