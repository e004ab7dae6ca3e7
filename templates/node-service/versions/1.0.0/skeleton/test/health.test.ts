import request from 'supertest';
import { app } from '../src/index';

describe('GET /healthz', () => {
  it('reports the service as up', async () => {
    const response = await request(app).get('/healthz');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      status: 'ok',
      service: '${{ values.name }}',
    });
  });
});
