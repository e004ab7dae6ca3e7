import { Entity } from '@backstage/catalog-model';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { TemplateSummary } from '@paved/backstage-plugin-golden-paths-common';
import { screen } from '@testing-library/react';
import { GoldenPathsApi, goldenPathsApiRef } from '../../api';
import { EntityGoldenPathCard } from './EntityGoldenPathCard';

const nodeService: TemplateSummary = {
  templateRef: 'template:default/node-service',
  title: 'Node.js service',
  latestVersion: '2.0.0',
  versions: ['1.0.0', '1.2.0', '2.0.0'].map(version => ({
    templateRef: 'template:default/node-service',
    version,
    firstSeenAt: '2026-11-02T09:00:00.000Z',
  })),
};

function component(
  annotations: Record<string, string>,
  spec: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments', annotations },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'team-a',
      ...spec,
    },
  };
}

function renderCard(entity: Entity, api: GoldenPathsApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[goldenPathsApiRef, api]]}>
      <EntityProvider entity={entity}>
        <EntityGoldenPathCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('EntityGoldenPathCard', () => {
  it('shows the template, the version in use, the latest version and the lag', async () => {
    renderCard(
      component({
        'backstage.io/source-template': 'template:default/node-service',
        'backstage.io/template-version': '1.2.0',
      }),
      { listTemplates: async () => [nodeService] },
    );

    expect(await screen.findByText('1 major behind')).toBeInTheDocument();
    expect(screen.getByText('Golden path')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Node.js service' }),
    ).toHaveAttribute('href', '/catalog/default/template/node-service');
    expect(screen.getByText('Version in use').closest('tr')).toHaveTextContent(
      '1.2.0',
    );
    expect(screen.getByText('Latest version').closest('tr')).toHaveTextContent(
      '2.0.0',
    );
  });

  it('reads a short spec.scaffoldedFrom ref as a template in the default namespace', async () => {
    renderCard(
      component(
        { 'backstage.io/template-version': '2.0.0' },
        { scaffoldedFrom: 'Node-Service' },
      ),
      { listTemplates: async () => [nodeService] },
    );

    expect(await screen.findByText('up to date')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Node.js service' }),
    ).toBeInTheDocument();
  });

  it('says a service without provenance is not on a golden path, without calling the backend', async () => {
    const listTemplates = jest.fn(async () => [nodeService]);
    renderCard(component({}), { listTemplates });

    expect(await screen.findByText('Not on a golden path')).toBeInTheDocument();
    expect(screen.queryByText(/error/i)).not.toBeInTheDocument();
    expect(listTemplates).not.toHaveBeenCalled();
  });

  it('says why the lag is unknown when the template is not in the registry', async () => {
    renderCard(
      component({
        'backstage.io/source-template': 'template:default/legacy-java',
        'backstage.io/template-version': '1.0.0',
      }),
      { listTemplates: async () => [nodeService] },
    );

    expect(
      await screen.findByText(
        'Unknown: the template is not in the golden-path registry',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Latest version').closest('tr')).toHaveTextContent(
      'Unknown',
    );
  });

  it('says why the lag is unknown when the recorded version is not semver', async () => {
    renderCard(
      component({
        'backstage.io/source-template': 'template:default/node-service',
        'backstage.io/template-version': 'latest',
      }),
      { listTemplates: async () => [nodeService] },
    );

    expect(
      await screen.findByText("Unknown: 'latest' is not a semver version"),
    ).toBeInTheDocument();
  });

  it('shows the backend error when the template list cannot be loaded', async () => {
    renderCard(
      component({
        'backstage.io/source-template': 'template:default/node-service',
        'backstage.io/template-version': '1.2.0',
      }),
      {
        listTemplates: async () =>
          Promise.reject(new Error('backend unreachable')),
      },
    );

    expect(
      await screen.findByText('Error: backend unreachable'),
    ).toBeInTheDocument();
    expect(screen.queryByText('1 major behind')).not.toBeInTheDocument();
  });
});
