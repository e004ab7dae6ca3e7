import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { goldenPathsApiRef } from '../../api';
import { mswGoldenPathsApi, testBaseUrl } from '../../__testUtils__/mswApi';
import { GoldenPathsPage } from './GoldenPathsPage';
import { pageHandlers } from '../../__testUtils__/pageFixtures';

jest.setTimeout(60_000);

function renderPage(path: string) {
  return renderInTestApp(<GoldenPathsPage />, {
    apis: [
      [goldenPathsApiRef, mswGoldenPathsApi()],
      // A catalog without the templates: the policy comes from the backend,
      // which merges app-config policies into the annotations.
      [catalogApiRef, catalogApiMock({ entities: [] })],
    ],
    mountPath: '/golden-paths/*',
    initialRouteEntries: [path],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
}

describe('GoldenPathsPage tabs', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  let asked: Record<string, URLSearchParams[]>;
  beforeEach(() => {
    asked = {};
    server.use(...pageHandlers(asked));
  });

  describe('Templates', () => {
    it('charts services per version, every published version included', async () => {
      await renderPage('/golden-paths/templates');

      const histogram = await screen.findByRole('img', {
        name: 'Services per version of Node.js service: 1.0.0: 3, 1.1.0: 0, 2.0.0: 4',
      });
      expect(histogram.querySelectorAll('.recharts-bar-rectangle').length).toBe(
        3,
      );
      expect(asked.summary[0].get('groupBy')).toBe('version');
      expect(
        screen.getByRole('img', {
          name: 'Services per version of Python service: 1.0.0: 0, 1.1.0: 2',
        }),
      ).toBeInTheDocument();
      expect(
        screen.getByRole('link', { name: 'Node.js service' }),
      ).toHaveAttribute('href', '/catalog/default/template/node-service');
    });

    it('lists the changelog newest first with Breaking marks, and the policy in force', async () => {
      await renderPage('/golden-paths/templates');

      const changelog = await screen.findByRole('list', {
        name: 'Changelog of Node.js service',
      });
      const versions = within(changelog)
        .getAllByText(/^\d+\.\d+\.\d+$/)
        .map(e => e.textContent);
      expect(versions).toEqual(['2.0.0', '1.1.0', '1.0.0']);
      expect(within(changelog).getAllByText('Breaking')).toHaveLength(1);
      expect(
        within(changelog).getByText(
          'Node 22; the Dockerfile moves to distroless',
        ),
      ).toBeInTheDocument();

      expect(
        await screen.findByText('1.1.0', { selector: 'dd' }),
      ).toBeVisible();
      expect(screen.getByText('2026-12-01', { selector: 'dd' })).toBeVisible();
      expect(screen.getByText('2027-01-31', { selector: 'dd' })).toBeVisible();
      expect(screen.getByText('1 major', { selector: 'dd' })).toBeVisible();
      // python-service publishes neither a policy nor a changelog.
      expect(
        screen.getByText('No policy: every version is supported.'),
      ).toBeVisible();
      expect(screen.getByText('No changelog published.')).toBeVisible();
    });

    it('says when there is no template yet', async () => {
      server.use(
        http.get(`${testBaseUrl}/templates`, () =>
          HttpResponse.json({ items: [] }),
        ),
      );
      await renderPage('/golden-paths/templates');
      expect(
        await screen.findByText('No golden-path templates yet'),
      ).toBeInTheDocument();
    });
  });

  describe('Delivery', () => {
    it('charts each metric per template version side by side, with a table of bands and samples', async () => {
      await renderPage('/golden-paths/delivery');

      const chart = await screen.findByRole('img', {
        name: /^Deployment frequency: deployments per day per template version; higher is better/,
      });
      // Two templates, so two bar series.
      expect(chart.querySelectorAll('.recharts-bar').length).toBe(2);
      expect(asked.dora[0].get('groupBy')).toBe('templateVersion');
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

      const table = screen.getByRole('table', {
        name: 'DORA metrics per template version',
      });
      const rowOf = (ref: string) =>
        within(table).getByTestId(`dora-template:default/${ref}`);
      expect(rowOf('node-service@2.0.0')).toHaveTextContent('Elite');
      expect(rowOf('node-service@2.0.0')).toHaveTextContent(
        'n = 60 deployments',
      );
      expect(rowOf('node-service@1.0.0')).toHaveTextContent('Low');
      expect(rowOf('python-service@1.0.0')).toHaveTextContent(
        'Not enough data',
      );
      expect(rowOf('python-service@1.0.0')).toHaveTextContent('No band');
      expect(rowOf('python-service@1.1.0')).toHaveTextContent('Medium');
    });

    it('narrows to one template', async () => {
      await renderPage('/golden-paths/delivery');
      await screen.findByRole('table', {
        name: 'DORA metrics per template version',
      });

      await userEvent.selectOptions(
        screen.getByLabelText('Template'),
        'Python service',
      );
      expect(
        await screen.findByTestId('dora-template:default/python-service@1.1.0'),
      ).toBeInTheDocument();
      expect(
        screen.queryByTestId('dora-template:default/node-service@2.0.0'),
      ).toBeNull();
      expect(asked.dora[asked.dora.length - 1].get('templateRef')).toBe(
        'template:default/python-service',
      );
    });

    it('says when no template version has delivery data', async () => {
      server.use(
        http.get(`${testBaseUrl}/dora`, () =>
          HttpResponse.json({
            window: { from: '2026-10-23', to: '2026-11-22' },
            groups: [],
          }),
        ),
      );
      await renderPage('/golden-paths/delivery');
      expect(
        await screen.findByText('No delivery data per template version yet'),
      ).toBeInTheDocument();
    });
  });
});
