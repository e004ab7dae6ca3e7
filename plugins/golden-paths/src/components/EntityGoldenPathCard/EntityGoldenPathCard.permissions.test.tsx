import { Entity } from '@backstage/catalog-model';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { act, screen } from '@testing-library/react';
import {
  ComplianceEvaluation,
  GoldenPathsApi,
  goldenPathsApiRef,
} from '../../api';
import { EntityGoldenPathCard } from './EntityGoldenPathCard';

// A cold first render is slow on a busy 2-core CI machine.
jest.setTimeout(30_000);

// usePermission caches decisions per permission for the whole test file (SWR),
// so this file plays one person: allowed to grant exemptions, not to revoke.
// EntityGoldenPathCard.test.tsx plays someone allowed both.
let deleteAsked: () => void;
const deleteDecided = new Promise<void>(resolve => {
  deleteAsked = resolve;
});
const permissionApi = mockApis.permission({
  authorize: request => {
    if (request.permission.name === 'golden-paths.exemption.delete') {
      deleteAsked();
    }
    return (
      request.permission.name === 'golden-paths.exemption.create'
        ? 'ALLOW'
        : 'DENY'
    ) as ReturnType<
      Extract<
        NonNullable<Parameters<typeof mockApis.permission>[0]>['authorize'],
        (...args: any[]) => any
      >
    >;
  },
});

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    annotations: {
      'backstage.io/source-template': 'template:default/node-service',
      'backstage.io/template-version': '1.2.0',
    },
  },
  spec: { type: 'service', owner: 'team-a' },
};

function renderCard(evaluation: Partial<ComplianceEvaluation>) {
  const api: Partial<GoldenPathsApi> = {
    listTemplates: async () => [],
    getCompliance: async () => ({
      entityRef: 'component:default/payments',
      owner: 'group:default/team-a',
      templateRef: 'template:default/node-service',
      currentVersion: '1.2.0',
      latestVersion: '2.0.0',
      state: 'compliant',
      reasons: ['below the minimum'],
      lag: { majors: 1, minors: 0, patches: 0, versionsBehind: 2 },
      evaluatedAt: '2027-01-10T09:00:00.000Z',
      changedAt: '2027-01-01T09:00:00.000Z',
      ...evaluation,
    }),
  };
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [goldenPathsApiRef, api],
        [permissionApiRef, permissionApi],
      ]}
    >
      <EntityProvider entity={entity}>
        <EntityGoldenPathCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('EntityGoldenPathCard for someone who may grant but not revoke exemptions', () => {
  it('offers to request an exemption for a blocked service', async () => {
    await renderCard({ state: 'block' });
    expect(
      await screen.findByRole('button', { name: 'Request exemption' }),
    ).toBeInTheDocument();
  });

  it('does not offer to revoke an exemption, but still offers the upgrade', async () => {
    await renderCard({ state: 'exempt', exemptionId: 'ex-1' });
    expect(await screen.findByText('Exempt')).toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: 'Upgrade to 2.0.0' }),
    ).toBeInTheDocument();
    // Hidden must mean denied, not still asking: wait for the decision.
    await deleteDecided;
    await act(() => new Promise(resolve => setTimeout(resolve, 50)));
    expect(
      screen.queryByRole('button', { name: 'Revoke exemption' }),
    ).toBeNull();
  });
});
