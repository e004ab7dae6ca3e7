import { Entity } from '@backstage/catalog-model';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { FileDrift } from '@paved/backstage-plugin-golden-paths-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { goldenPathsApiRef } from '../../api';
import {
  doraMetrics,
  emptyDoraMetrics,
} from '../../__testUtils__/doraFixtures';
import { mswGoldenPathsApi, testBaseUrl } from '../../__testUtils__/mswApi';
import { EntityGoldenPathContent } from './EntityGoldenPathContent';

jest.setTimeout(30_000);

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api' },
  spec: { type: 'service', owner: 'team-payments' },
};

function renderTab() {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityGoldenPathContent />
    </EntityProvider>,
    { apis: [[goldenPathsApiRef, mswGoldenPathsApi()]] },
  );
}

function file(
  path: string,
  status: FileDrift['status'],
  extra = {},
): FileDrift {
  return {
    path,
    status,
    ownership: 'shared',
    sha256: {},
    likelyConflict: false,
    overwrittenOnUpgrade: false,
    reason: `${path} is ${status}`,
    ...extra,
  };
}

// 60 files: many rows, every class, one likely conflict.
const files: FileDrift[] = [
  file('package.json', 'changed-by-both', { likelyConflict: true }),
  file('Dockerfile', 'changed-by-template'),
  file('src/index.ts', 'changed-by-team'),
  file('.github/workflows/ci.yaml', 'added'),
  file('docs/old.md', 'deleted'),
  file('src/server.ts', 'changed-by-template', { renamedFrom: 'src/app.ts' }),
  ...Array.from({ length: 54 }, (_, i) =>
    file(`src/lib/module-${String(i).padStart(2, '0')}.ts`, 'unchanged'),
  ),
];

const okError = (status: number, message: string) =>
  HttpResponse.json(
    { error: { name: 'Error', message }, response: { statusCode: status } },
    { status },
  );

describe('EntityGoldenPathContent', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  function serve(
    options: {
      trend?: 'empty' | 'error';
      environments?: 'empty' | 'error';
    } = {},
  ) {
    const asked: { trend?: URLSearchParams } = {};
    server.use(
      http.get(`${testBaseUrl}/dora/trend`, ({ request }) => {
        asked.trend = new URL(request.url).searchParams;
        if (options.trend === 'error') return okError(500, 'trend broke');
        return HttpResponse.json({
          window: { from: '2026-08-24', to: '2026-11-22' },
          bucketDays: 7,
          buckets: Array.from({ length: 13 }, (_, i) => ({
            window: {
              from: new Date(Date.UTC(2026, 7, 24 + 7 * i)).toISOString(),
              to: new Date(Date.UTC(2026, 7, 31 + 7 * i)).toISOString(),
            },
            metrics:
              options.trend === 'empty' || i === 3
                ? emptyDoraMetrics()
                : doraMetrics({ deployments: 7 + i }),
          })),
        });
      }),
      http.get(`${testBaseUrl}/environments`, () => {
        if (options.environments === 'error') {
          return okError(503, 'environments unavailable');
        }
        return HttpResponse.json({
          entityRef: 'component:default/payments-api',
          environments:
            options.environments === 'empty'
              ? []
              : [
                  {
                    name: 'staging',
                    version: '1.4.2',
                    deployedAt: '2026-11-20T10:00:00.000Z',
                    production: false,
                  },
                  {
                    name: 'production',
                    version: '1.4.1',
                    deployedAt: '2026-11-18T10:00:00.000Z',
                    production: true,
                  },
                ],
          promotions: [
            {
              version: '1.4.2',
              steps: [
                { environment: 'staging', at: '2026-11-20T10:00:00.000Z' },
              ],
            },
            {
              version: '1.4.1',
              steps: [
                { environment: 'staging', at: '2026-11-17T10:00:00.000Z' },
                { environment: 'production', at: '2026-11-18T10:00:00.000Z' },
              ],
            },
          ],
        });
      }),
      http.get(`${testBaseUrl}/compliance`, () =>
        HttpResponse.json({
          entityRef: 'component:default/payments-api',
          owner: 'group:default/team-payments',
          state: 'warn',
          reasons: [],
          evaluatedAt: '2026-11-20T10:00:00.000Z',
          changedAt: '2026-11-20T10:00:00.000Z',
          drift: {
            files,
            summary: {},
            comparedWithLatest: true,
            text: '1 file changed by the team, 2 by the template, 1 by both, 1 likely conflict',
          },
        }),
      ),
    );
    return asked;
  }

  it('charts each DORA metric over the last 90 days in weekly buckets', async () => {
    const asked = serve();
    await renderTab();

    const figure = await screen.findByRole('img', {
      name: /^Deployment frequency: deployments per day, one point per 7 days/,
    });
    expect(figure.querySelector('svg')).not.toBeNull();
    expect(asked.trend!.get('entityRef')).toBe(
      'component:default/payments-api',
    );
    expect(asked.trend!.get('bucketDays')).toBe('7');
    const days =
      (Date.parse(asked.trend!.get('to')!) -
        Date.parse(asked.trend!.get('from')!)) /
      86_400_000;
    expect(days).toBe(90);
    for (const title of [
      'Change lead time',
      'Change fail rate',
      'Failed deployment recovery time',
      'Deployment rework rate',
    ]) {
      expect(
        screen.getByRole('img', { name: new RegExp(`^${title}:`) }),
      ).toBeInTheDocument();
    }
    // The data is there as a table too, a week without events as "no data".
    const table = screen.getByRole('table', { name: 'Deployment frequency' });
    expect(within(table).getAllByRole('row')).toHaveLength(14);
    expect(within(table).getAllByText('no data')).toHaveLength(1);
  });

  it('explains how to send events when the 90 days hold none', async () => {
    serve({ trend: 'empty' });
    await renderTab();
    expect(
      await screen.findByText('No delivery events yet'),
    ).toBeInTheDocument();
  });

  it('shows the trend error inside its own card, and the rest of the tab', async () => {
    serve({ trend: 'error' });
    await renderTab();
    expect(await screen.findByText(/trend broke/)).toBeInTheDocument();
    expect(await screen.findByText('Promotion history')).toBeInTheDocument();
  });

  it('shows which version runs in each environment and the promotion history', async () => {
    serve();
    await renderTab();

    const staging = (
      await screen.findByText('staging', { selector: 'td *, td' })
    ).closest('tr')!;
    expect(staging).toHaveTextContent('1.4.2');
    expect(staging).toHaveTextContent('2026-11-20 10:00 UTC');
    expect(staging).toHaveTextContent('No');
    const promotion = screen.getByText(
      'staging (2026-11-17 10:00 UTC) → production (2026-11-18 10:00 UTC)',
    );
    expect(promotion.closest('tr')).toHaveTextContent('1.4.1');
  });

  it('says when no deployment was reported, and shows environment errors', async () => {
    serve({ environments: 'empty' });
    const first = await renderTab();
    expect(
      await screen.findByText(/No deployment has been reported/),
    ).toBeInTheDocument();
    first.unmount();

    serve({ environments: 'error' });
    await renderTab();
    expect(
      (await screen.findAllByText(/environments unavailable/)).length,
    ).toBeGreaterThan(0);
  });

  it('lists every drifted file and filters by drift class', async () => {
    serve();
    await renderTab();

    expect(await screen.findByText('60 of 60 files')).toBeInTheDocument();
    // Fifty files a page.
    expect(screen.getByText('src/lib/module-43.ts')).toBeInTheDocument();
    expect(screen.queryByText('src/lib/module-44.ts')).toBeNull();
    const conflict = screen.getByText('package.json').closest('tr')!;
    expect(conflict).toHaveTextContent('Changed by both');
    expect(conflict).toHaveTextContent('Likely conflict');

    const filters = screen.getByRole('group', {
      name: 'Filter files by drift',
    });
    await userEvent.click(
      within(filters).getByRole('button', {
        name: 'Changed by the template (2)',
      }),
    );
    expect(await screen.findByText('2 of 60 files')).toBeInTheDocument();
    expect(screen.getByText('Dockerfile')).toBeInTheDocument();
    expect(screen.getByText('src/app.ts')).toBeInTheDocument();
    expect(screen.queryByText('package.json')).toBeNull();
    expect(
      within(filters).getByRole('button', {
        name: 'Changed by the template (2)',
      }),
    ).toHaveAttribute('aria-pressed', 'true');

    await userEvent.click(
      within(filters).getByRole('button', { name: 'Likely conflicts (1)' }),
    );
    expect(await screen.findByText('1 of 60 files')).toBeInTheDocument();
    expect(screen.getByText('package.json')).toBeInTheDocument();
  });

  it('shows progress while loading', async () => {
    server.use(
      http.get(`${testBaseUrl}/*`, async () => {
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    await renderTab();
    // Each of the three sections waits on its own request.
    await waitFor(() =>
      expect(screen.getAllByRole('progressbar')).toHaveLength(3),
    );
  });
});
