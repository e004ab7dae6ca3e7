import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { goldenPathsApiRef } from '../../api';
import { mswGoldenPathsApi, testBaseUrl } from '../../__testUtils__/mswApi';
import { downloadCsv } from './csv';
import { GoldenPathsPage } from './GoldenPathsPage';
import { pageHandlers } from '../../__testUtils__/pageFixtures';

jest.mock('./csv', () => ({
  ...jest.requireActual('./csv'),
  downloadCsv: jest.fn(),
}));

jest.setTimeout(60_000);

function renderPage(path = '/golden-paths') {
  return renderInTestApp(<GoldenPathsPage />, {
    apis: [[goldenPathsApiRef, mswGoldenPathsApi()]],
    mountPath: '/golden-paths/*',
    initialRouteEntries: [path],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
}

const teamRow = (name: string) => screen.getByTestId(`team-${name}`);
const teamNames = () =>
  screen
    .queryAllByTestId(/^team-/)
    .map(row => row.getAttribute('data-testid')!.slice('team-'.length));

describe('GoldenPathsPage', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  let asked: Record<string, URLSearchParams[]>;
  beforeEach(() => {
    asked = {};
    server.use(...pageHandlers(asked));
    jest.mocked(downloadCsv).mockClear();
  });

  it('opens on the Teams tab, with three tabs that are links a keyboard reaches', async () => {
    await renderPage();

    expect(
      await screen.findByRole('tab', { name: 'Teams', selected: true }),
    ).toBeInTheDocument();
    const templatesTab = screen.getByRole('tab', { name: 'Templates' });
    expect(templatesTab).toHaveAttribute('href', '/golden-paths/templates');
    expect(screen.getByRole('tab', { name: 'Delivery' })).toHaveAttribute(
      'href',
      '/golden-paths/delivery',
    );

    // Tab reaches the selected tab; the arrow keys move between tabs.
    const teamsTab = screen.getByRole('tab', { name: 'Teams' });
    for (let i = 0; i < 30 && !teamsTab.matches(':focus'); i++) {
      await userEvent.tab();
    }
    expect(teamsTab).toHaveFocus();
    await userEvent.keyboard('{ArrowRight}');
    expect(templatesTab).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(
      await screen.findByRole('tab', { name: 'Templates', selected: true }),
    ).toBeInTheDocument();
  });

  it('deep-links to a tab', async () => {
    await renderPage('/golden-paths/delivery');
    expect(
      await screen.findByRole('tab', { name: 'Delivery', selected: true }),
    ).toBeInTheDocument();
  });

  it("rolls up each team's services per state, in words and a bar", async () => {
    await renderPage('/golden-paths/teams');

    await screen.findByTestId('team-team-payments');
    expect(asked.summary[0].get('groupBy')).toBe('owner');
    const payments = teamRow('team-payments');
    // Compliant, warn, block, exempt, unknown, total.
    expect(
      within(payments)
        .getAllByRole('cell')
        .slice(1, 7)
        .map(c => c.textContent),
    ).toEqual(['3', '1', '0', '0', '1', '5']);
    expect(
      within(payments).getByRole('link', { name: 'team-payments' }),
    ).toHaveAttribute('href', '/catalog/default/group/team-payments');
    expect(within(payments).getByRole('img')).toHaveAccessibleName(
      '3 compliant, 1 warn, 0 block, 0 exempt, 1 unknown',
    );
    expect(teamRow('No owner')).toHaveTextContent('2');
    // Most services first by default, then by name.
    expect(teamNames()).toEqual([
      'team-data',
      'team-payments',
      'team-storefront',
      'No owner',
    ]);
  });

  it('filters teams by text and by state, and sorts them', async () => {
    await renderPage('/golden-paths/teams');
    await screen.findByTestId('team-team-payments');

    await userEvent.selectOptions(
      screen.getByLabelText('Sort by'),
      'Most block',
    );
    expect(teamNames()[0]).toBe('team-storefront');
    await userEvent.selectOptions(screen.getByLabelText('Sort by'), 'Name');
    expect(teamNames()).toEqual([
      'No owner',
      'team-data',
      'team-payments',
      'team-storefront',
    ]);

    await userEvent.selectOptions(
      screen.getByLabelText('With services in state'),
      'Exempt',
    );
    expect(teamNames()).toEqual(['team-data']);

    await userEvent.selectOptions(
      screen.getByLabelText('With services in state'),
      'Any state',
    );
    await userEvent.type(screen.getByLabelText('Filter teams'), 'store');
    expect(teamNames()).toEqual(['team-storefront']);
    await userEvent.clear(screen.getByLabelText('Filter teams'));
    await userEvent.type(screen.getByLabelText('Filter teams'), 'nobody');
    expect(teamNames()).toEqual([]);
    expect(screen.getByText('No team matches the filter.')).toBeVisible();
  });

  it('exports the rollup as CSV, as filtered', async () => {
    await renderPage('/golden-paths/teams');
    await screen.findByTestId('team-team-payments');
    await userEvent.selectOptions(
      screen.getByLabelText('With services in state'),
      'Block',
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'Export teams as CSV' }),
    );
    expect(downloadCsv).toHaveBeenCalledWith(
      'golden-paths-teams.csv',
      'owner,compliant,warn,block,exempt,unknown,total\r\n' +
        'group:default/team-storefront,1,0,2,0,0,3\r\n',
    );
  });

  it("drills down to a team's trend and services, page by page, and exports them", async () => {
    await renderPage('/golden-paths/teams');
    await screen.findByTestId('team-team-payments');

    await userEvent.click(
      screen.getByRole('button', { name: 'Show services of team-payments' }),
    );
    expect(
      await screen.findByRole('img', {
        name: /^Trend of team-payments, 2026-11-20 to 2026-11-22/,
      }),
    ).toBeInTheDocument();
    expect(asked.history[0].get('owner')).toBe('group:default/team-payments');

    const services = await screen.findByRole('table', {
      name: 'Services of team-payments',
    });
    expect(within(services).getAllByRole('row')).toHaveLength(11);
    const first = within(services).getByRole('link', { name: 'svc-00' });
    expect(first).toHaveAttribute('href', '/catalog/default/component/svc-00');
    expect(first.closest('tr')).toHaveTextContent('Warn');
    expect(first.closest('tr')).toHaveTextContent('2027-01-31');
    expect(screen.getByText('1-10 of 23')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: /next page/i }));
    expect(await screen.findByText('11-20 of 23')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'svc-10' })).toBeInTheDocument();
    const lastPage = asked.compliance[asked.compliance.length - 1];
    expect(Object.fromEntries(lastPage)).toEqual({
      owner: 'group:default/team-payments',
      limit: '10',
      offset: '10',
    });

    await userEvent.selectOptions(screen.getByLabelText('State'), 'Warn');
    expect(await screen.findByText('1-1 of 1')).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Export services as CSV' }),
    );
    await waitFor(() => expect(downloadCsv).toHaveBeenCalled());
    const [filename, csv] = jest.mocked(downloadCsv).mock.calls[0];
    expect(filename).toBe('team-payments-services.csv');
    expect(csv).toBe(
      'service,owner,state,template,version,latest version,deadline,reasons\r\n' +
        'component:default/svc-00,group:default/team-payments,warn,template:default/node-service,1.0.0,2.0.0,2027-01-31,"below the minimum, ""1.1.0"""\r\n',
    );
  });

  it('opens a team from a deep link', async () => {
    await renderPage('/golden-paths/teams?team=group:default/team-data');
    expect(
      await screen.findByRole('table', { name: 'Services of team-data' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Show services of team-data' }),
    ).toHaveAttribute('aria-pressed', 'true');
  });

  it('shows loading, errors and an empty rollup', async () => {
    server.use(
      http.get(`${testBaseUrl}/compliance/summary`, async () => {
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    const loading = await renderPage('/golden-paths/teams');
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    loading.unmount();

    server.use(
      http.get(`${testBaseUrl}/compliance/summary`, () =>
        HttpResponse.json(
          {
            error: { name: 'Error', message: 'summary unavailable' },
            response: { statusCode: 500 },
          },
          { status: 500 },
        ),
      ),
    );
    const failing = await renderPage('/golden-paths/teams');
    expect(
      (await screen.findAllByText(/summary unavailable/)).length,
    ).toBeGreaterThan(0);
    failing.unmount();

    server.use(
      http.get(`${testBaseUrl}/compliance/summary`, () =>
        HttpResponse.json({ groupBy: 'owner', items: [] }),
      ),
    );
    await renderPage('/golden-paths/teams');
    expect(
      await screen.findByText('No services evaluated yet'),
    ).toBeInTheDocument();
  });
});
