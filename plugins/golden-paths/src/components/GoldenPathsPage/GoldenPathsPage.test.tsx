import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { TemplateSummary } from '@paved/backstage-plugin-golden-paths-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { GoldenPathsApi, goldenPathsApiRef } from '../../api';
import { GoldenPathsPage } from './GoldenPathsPage';

const nodeService: TemplateSummary = {
  templateRef: 'template:default/node-service',
  title: 'Node.js service',
  latestVersion: '2.0.0',
  versions: ['1.0.0', '1.1.0', '2.0.0'].map((version, i) => ({
    templateRef: 'template:default/node-service',
    version,
    title: 'Node.js service',
    firstSeenAt: `2026-11-0${2 + i}T09:00:00.000Z`,
  })),
};

const pythonService: TemplateSummary = {
  templateRef: 'template:default/python-service',
  title: 'Python service',
  latestVersion: '0.3.0',
  versions: [
    {
      templateRef: 'template:default/python-service',
      version: '0.3.0',
      firstSeenAt: '2026-12-01T09:00:00.000Z',
    },
  ],
};

function renderPage(api: Pick<GoldenPathsApi, 'listTemplates'>) {
  return renderInTestApp(
    <TestApiProvider apis={[[goldenPathsApiRef, api]]}>
      <GoldenPathsPage />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('GoldenPathsPage', () => {
  it('lists each template with its latest version, published versions and first-seen day', async () => {
    renderPage({ listTemplates: async () => [nodeService, pythonService] });

    const link = await screen.findByRole('link', { name: 'Node.js service' });
    expect(link).toHaveAttribute(
      'href',
      '/catalog/default/template/node-service',
    );

    const row = link.closest('tr')!;
    const cells = within(row).getAllByRole('cell');
    expect(cells[1]).toHaveTextContent('2.0.0');
    expect(
      within(cells[2])
        .getAllByText(/^\d+\.\d+\.\d+$/)
        .map(chip => chip.textContent),
    ).toEqual(['1.0.0', '1.1.0', '2.0.0']);
    expect(cells[3]).toHaveTextContent('2026-11-02');

    expect(screen.getByText('Python service')).toBeInTheDocument();
    expect(screen.getByText('Templates (2)')).toBeInTheDocument();
  });

  it('finds a template by its entity ref as well as its title', async () => {
    renderPage({ listTemplates: async () => [nodeService, pythonService] });
    await screen.findByText('Node.js service');

    await userEvent.type(
      screen.getByPlaceholderText('Filter'),
      'python-service',
    );

    await waitFor(() =>
      expect(screen.queryByText('Node.js service')).not.toBeInTheDocument(),
    );
    expect(screen.getByText('Python service')).toBeInTheDocument();
  });

  it('explains how templates get listed when the registry is empty', async () => {
    renderPage({ listTemplates: async () => [] });

    expect(
      await screen.findByText('No golden-path templates yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/backstage\.io\/template-version annotation/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('shows the backend error instead of an empty table', async () => {
    const response = new Response(
      JSON.stringify({
        error: { name: 'Error', message: 'database is down' },
        response: { statusCode: 500 },
      }),
      {
        status: 500,
        statusText: 'Internal Server Error',
        headers: { 'content-type': 'application/json' },
      },
    );
    const error = await ResponseError.fromResponse(response);
    renderPage({ listTemplates: async () => Promise.reject(error) });

    expect(await screen.findByText(/database is down/)).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(
      screen.queryByText('No golden-path templates yet'),
    ).not.toBeInTheDocument();
  });
});
