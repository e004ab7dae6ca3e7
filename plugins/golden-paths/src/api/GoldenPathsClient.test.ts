import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { TemplateSummary } from '@paved/backstage-plugin-golden-paths-common';
import { GoldenPathsClient } from './GoldenPathsClient';

const baseUrl = 'http://backstage.test/api/golden-paths';

const nodeService: TemplateSummary = {
  templateRef: 'template:default/node-service',
  title: 'Node.js service',
  latestVersion: '2.0.0',
  versions: [
    {
      templateRef: 'template:default/node-service',
      version: '2.0.0',
      title: 'Node.js service',
      firstSeenAt: '2026-11-02T09:00:00.000Z',
    },
  ],
};

describe('GoldenPathsClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const discoveryApi = { getBaseUrl: jest.fn(async () => baseUrl) };
  // Stands in for the app's fetchApi, which is what adds the Backstage token.
  const fetchApi = {
    fetch: (input: RequestInfo | URL, init?: RequestInit) =>
      fetch(input, {
        ...init,
        headers: { authorization: 'Bearer user-token' },
      }),
  };
  const client = new GoldenPathsClient({ discoveryApi, fetchApi });

  it('lists templates from the discovered golden-paths base URL, with credentials', async () => {
    let authorization: string | null = null;
    server.use(
      http.get(`${baseUrl}/templates`, ({ request }) => {
        authorization = request.headers.get('authorization');
        return HttpResponse.json({ items: [nodeService] });
      }),
    );

    await expect(client.listTemplates()).resolves.toEqual([nodeService]);
    expect(discoveryApi.getBaseUrl).toHaveBeenCalledWith('golden-paths');
    expect(authorization).toBe('Bearer user-token');
  });

  it('throws a ResponseError carrying the backend message when the backend fails', async () => {
    server.use(
      http.get(`${baseUrl}/templates`, () =>
        HttpResponse.json(
          {
            error: { name: 'Error', message: 'database is down' },
            response: { statusCode: 500 },
          },
          { status: 500 },
        ),
      ),
    );

    const error = await client.listTemplates().then(
      () => undefined,
      e => e,
    );
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(500);
    // The panel that shows this error reads the backend's message from `cause`.
    expect(error.cause.message).toBe('database is down');
  });

  const evaluation = {
    entityRef: 'component:default/payments',
    owner: 'group:default/team-a',
    state: 'warn',
    reasons: ['1.2.0 is below the minimum supported version 2.0.0'],
    deadline: '2027-03-01',
    evaluatedAt: '2027-01-10T09:00:00.000Z',
    changedAt: '2027-01-01T09:00:00.000Z',
  };
  const exemption = {
    id: 'ex-1',
    entityRef: 'component:default/payments',
    reason: 'waiting on the DB migration',
    approvedBy: 'user:default/lead',
    expiresAt: '2027-02-28T23:59:59.000Z',
    createdAt: '2027-01-10T09:00:00.000Z',
  };

  it("reads one service's compliance by entity ref", async () => {
    let entityRef: string | null = null;
    server.use(
      http.get(`${baseUrl}/compliance`, ({ request }) => {
        entityRef = new URL(request.url).searchParams.get('entityRef');
        return HttpResponse.json(evaluation);
      }),
    );

    await expect(
      client.getCompliance('component:default/payments'),
    ).resolves.toEqual(evaluation);
    expect(entityRef).toBe('component:default/payments');
  });

  it('throws a 404 ResponseError for a service not in the catalog', async () => {
    server.use(
      http.get(`${baseUrl}/compliance`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotFoundError', message: 'No entity' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );

    await expect(
      client.getCompliance('component:default/gone'),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 404,
    });
  });

  it('creates an exemption with a JSON body and returns the new evaluation', async () => {
    let body: unknown;
    server.use(
      http.post(`${baseUrl}/exemptions`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(
          { exemption, evaluation: { ...evaluation, state: 'exempt' } },
          { status: 201 },
        );
      }),
    );

    const result = await client.createExemption({
      entityRef: 'component:default/payments',
      reason: 'waiting on the DB migration',
      expiresAt: '2027-02-28T23:59:59.000Z',
    });
    expect(body).toEqual({
      entityRef: 'component:default/payments',
      reason: 'waiting on the DB migration',
      expiresAt: '2027-02-28T23:59:59.000Z',
    });
    expect(result.exemption.id).toBe('ex-1');
    expect(result.evaluation.state).toBe('exempt');
  });

  it('carries the permission message of a refused exemption', async () => {
    server.use(
      http.post(`${baseUrl}/exemptions`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message: 'Missing permission golden-paths.exemption.create',
            },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );

    const error = await client
      .createExemption({
        entityRef: 'component:default/payments',
        reason: 'please',
        expiresAt: '2027-02-28T23:59:59.000Z',
      })
      .then(
        () => undefined,
        e => e,
      );
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.cause.message).toBe(
      'Missing permission golden-paths.exemption.create',
    );
  });

  it('revokes an exemption by id', async () => {
    let method: string | undefined;
    server.use(
      http.delete(`${baseUrl}/exemptions/:id`, ({ request, params }) => {
        method = request.method;
        return HttpResponse.json({
          exemption: {
            ...exemption,
            id: params.id,
            revokedAt: '2027-01-11T09:00:00.000Z',
          },
          evaluation,
        });
      }),
    );

    const result = await client.deleteExemption('ex-1');
    expect(method).toBe('DELETE');
    expect(result.exemption).toMatchObject({
      id: 'ex-1',
      revokedAt: '2027-01-11T09:00:00.000Z',
    });
  });
  // Records the path and query of the one request a test makes.
  function captureGet(path: string, body: Record<string, unknown>) {
    const seen: { params?: URLSearchParams } = {};
    server.use(
      http.get(`${baseUrl}${path}`, ({ request }) => {
        seen.params = new URL(request.url).searchParams;
        return HttpResponse.json(body);
      }),
    );
    return seen;
  }

  it('lists one page of evaluations with only the filters given', async () => {
    const seen = captureGet('/compliance', {
      items: [evaluation],
      totalCount: 31,
    });

    const page = await client.listCompliance({
      owner: 'group:default/team-a',
      state: 'warn',
      template: undefined,
      limit: 25,
      offset: 25,
    });
    expect(page.totalCount).toBe(31);
    expect(Object.fromEntries(seen.params!)).toEqual({
      owner: 'group:default/team-a',
      state: 'warn',
      limit: '25',
      offset: '25',
    });
  });

  it('reads the compliance summary grouped as asked', async () => {
    const seen = captureGet('/compliance/summary', {
      groupBy: 'version',
      items: [],
    });

    await client.getComplianceSummary({
      groupBy: 'version',
      template: 'template:default/node-service',
    });
    expect(Object.fromEntries(seen.params!)).toEqual({
      groupBy: 'version',
      template: 'template:default/node-service',
    });
  });

  it('reads the history of one owner over a window', async () => {
    const seen = captureGet('/history', {
      from: '2027-01-01',
      to: '2027-01-02',
      items: [],
    });

    const history = await client.getComplianceHistory({
      owner: 'group:default/team-a',
      from: '2027-01-01',
      to: '2027-01-02',
    });
    expect(history.from).toBe('2027-01-01');
    expect(Object.fromEntries(seen.params!)).toEqual({
      owner: 'group:default/team-a',
      from: '2027-01-01',
      to: '2027-01-02',
    });
  });

  it('asks DORA for a service, per template version, and as a trend', async () => {
    const dora = captureGet('/dora', { window: {}, metrics: {} });
    await client.getDora({ entityRef: 'component:default/payments' });
    expect(Object.fromEntries(dora.params!)).toEqual({
      entityRef: 'component:default/payments',
    });

    await client.getDoraByTemplateVersion({
      templateRef: 'template:default/node-service',
    });
    expect(Object.fromEntries(dora.params!)).toEqual({
      groupBy: 'templateVersion',
      templateRef: 'template:default/node-service',
    });

    const trend = captureGet('/dora/trend', { buckets: [] });
    await client.getDoraTrend({
      owner: 'group:default/team-a',
      from: '2026-10-01',
      bucketDays: 7,
    });
    expect(Object.fromEntries(trend.params!)).toEqual({
      owner: 'group:default/team-a',
      from: '2026-10-01',
      bucketDays: '7',
    });
  });

  it("reads a service's environments", async () => {
    const seen = captureGet('/environments', {
      entityRef: 'component:default/payments',
      environments: [],
      promotions: [],
    });

    const result = await client.getEnvironments('component:default/payments');
    expect(result.entityRef).toBe('component:default/payments');
    expect(seen.params!.get('entityRef')).toBe('component:default/payments');
  });
});
