import express from 'express';
import { healthRouter } from './routes/health';

// Platform wiring: the health route answers the load balancer and the
// Kubernetes probes. Keep it mounted first.
export const app = express();
app.use(express.json());
app.use(healthRouter);

// Your routes go here.
app.get('/', (_req, res) => {
  res.json({ service: '${{ values.name }}' });
});

const port = Number(process.env.PORT ?? 8080);

if (require.main === module) {
  app.listen(port, () => {
    console.log(`${{ values.name }} listening on port ${port}`);
  });
}
