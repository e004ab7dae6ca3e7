import { Entity } from '@backstage/catalog-model';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { DoraBand } from '@paved/backstage-plugin-golden-paths-common';
import { screen, within } from '@testing-library/react';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { goldenPathsApiRef } from '../../api';
import {
  doraMetrics,
  emptyDoraMetrics,
} from '../../__testUtils__/doraFixtures';
import { mswGoldenPathsApi, testBaseUrl } from '../../__testUtils__/mswApi';
import { EntityDoraCard } from './EntityDoraCard';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api' },
  spec: { type: 'service', owner: 'team-payments' },
};

function renderCard() {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityDoraCard />
    </EntityProvider>,
    { apis: [[goldenPathsApiRef, mswGoldenPathsApi()]] },
  );
}

const row = (key: string) => screen.getByTestId(`dora-${key}`);

describe('EntityDoraCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  function serve(options: {
    metrics: ReturnType<typeof doraMetrics>;
    trend?: 'fail' | number[];
  }) {
    const asked: { dora?: URLSearchParams; trend?: URLSearchParams } = {};
    server.use(
      http.get(`${testBaseUrl}/dora`, ({ request }) => {
        asked.dora = new URL(request.url).searchParams;
        return HttpResponse.json({
          window: options.metrics.window,
          entityRefs: ['component:default/payments-api'],
          metrics: options.metrics,
        });
      }),
      http.get(`${testBaseUrl}/dora/trend`, ({ request }) => {
        asked.trend = new URL(request.url).searchParams;
        if (options.trend === 'fail') {
          return HttpResponse.json(
            { error: { name: 'NotFoundError', message: 'no route' } },
            { status: 404 },
          );
        }
        const deployments = options.trend ?? [5, 9, 12, 16];
        return HttpResponse.json({
          window: options.metrics.window,
          bucketDays: 7,
          buckets: deployments.map(n => ({
            window: options.metrics.window,
            metrics: doraMetrics({ deployments: n }),
          })),
        });
      }),
    );
    return asked;
  }

  it('shows a spinner while the metrics load', async () => {
    server.use(
      http.get(`${testBaseUrl}/dora`, async () => {
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    await renderCard();
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
  });

  it("shows the backend's error message when the metrics fail", async () => {
    server.use(
      http.get(`${testBaseUrl}/dora`, () =>
        HttpResponse.json(
          {
            error: { name: 'Error', message: 'events store unavailable' },
            response: { statusCode: 503 },
          },
          { status: 503 },
        ),
      ),
    );
    await renderCard();
    expect(
      await screen.findByText(/events store unavailable/),
    ).toBeInTheDocument();
  });

  it('explains how to send events when the service has none', async () => {
    serve({ metrics: emptyDoraMetrics() });
    await renderCard();
    expect(
      await screen.findByText('No delivery events yet'),
    ).toBeInTheDocument();
    expect(screen.getByText(/paved events send deployment/)).toHaveTextContent(
      'component:default/payments-api',
    );
    expect(screen.getByText('POST /api/golden-paths/events')).toBeVisible();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('shows the five metrics with values, bands, sample sizes and trends', async () => {
    const asked = serve({ metrics: doraMetrics({ band: 'high' }) });
    await renderCard();

    expect(await screen.findByRole('table')).toBeInTheDocument();
    expect(asked.dora!.get('entityRef')).toBe('component:default/payments-api');
    // The sparklines cover the same window as the metrics, weekly.
    expect(asked.trend!.get('from')).toBe('2027-01-01T00:00:00.000Z');
    expect(asked.trend!.get('bucketDays')).toBe('7');
    expect(
      screen.getByText('Last 30 days, production deployments'),
    ).toBeVisible();

    expect(row('deploymentFrequency')).toHaveTextContent(
      '1.4 per day · 3.5 deploy days/week',
    );
    expect(row('deploymentFrequency')).toHaveTextContent('n = 42 deployments');
    expect(row('changeLeadTime')).toHaveTextContent('20.5 h median');
    expect(row('changeLeadTime')).toHaveTextContent('n = 17 changes');
    expect(row('changeFailRate')).toHaveTextContent('7.1% (3 failed)');
    expect(row('failedDeploymentRecoveryTime')).toHaveTextContent(
      '30 min median',
    );
    expect(row('failedDeploymentRecoveryTime')).toHaveTextContent(
      'n = 3 incidents',
    );
    expect(row('deploymentReworkRate')).toHaveTextContent('2.4% (1 rework)');
    for (const key of [
      'deploymentFrequency',
      'changeLeadTime',
      'changeFailRate',
      'failedDeploymentRecoveryTime',
      'deploymentReworkRate',
    ]) {
      expect(within(row(key)).getByText('High')).toBeInTheDocument();
    }
    // Each trend is an image whose name reads out the weekly values.
    const sparkline = within(row('deploymentFrequency')).getByRole('img');
    expect(sparkline).toHaveAccessibleName(
      `Deployment frequency, deployments per day, per 7 days: ${[5, 9, 12, 16]
        .map(n => String(Math.round((n / 30) * 100) / 100))
        .join(', ')}`,
    );
    expect(sparkline.querySelector('svg')).not.toBeNull();
  });

  it.each<[DoraBand, string]>([
    ['elite', 'Elite'],
    ['high', 'High'],
    ['medium', 'Medium'],
    ['low', 'Low'],
  ])('labels the %s band in words', async (band, label) => {
    serve({ metrics: doraMetrics({ band }) });
    await renderCard();
    await screen.findByRole('table');
    expect(screen.getAllByText(label)).toHaveLength(5);
  });

  it('says "Not enough data" for a too-small sample, never a zero', async () => {
    serve({
      metrics: doraMetrics({
        deployments: 2,
        overrides: {
          changeLeadTime: {
            sample: 0,
            enoughData: false,
            band: 'unknown',
            medianHours: undefined,
          },
          changeFailRate: {
            enoughData: false,
            band: 'unknown',
            failedDeployments: 0,
            rate: 0,
          },
        },
      }),
    });
    await renderCard();
    await screen.findByRole('table');

    expect(row('changeLeadTime')).toHaveTextContent('Not enough data');
    expect(row('changeLeadTime')).toHaveTextContent('n = 0 changes');
    expect(row('changeFailRate')).toHaveTextContent('Not enough data');
    expect(row('changeFailRate')).not.toHaveTextContent('0%');
    expect(within(row('changeFailRate')).getByText('No band')).toBeVisible();
    expect(row('deploymentFrequency')).toHaveTextContent('n = 2 deployments');
  });

  it('still shows the metrics when the trend cannot be read', async () => {
    serve({ metrics: doraMetrics({ band: 'elite' }), trend: 'fail' });
    await renderCard();
    await screen.findByRole('table');
    expect(within(row('changeLeadTime')).getByText('Elite')).toBeVisible();
    expect(screen.queryAllByRole('img')).toHaveLength(0);
  });
});
