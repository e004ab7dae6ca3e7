import { Entity } from '@backstage/catalog-model';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  ComplianceEvaluation,
  GoldenPathsApi,
  GoldenPathTemplate,
  goldenPathsApiRef,
} from '../../api';
import { EntityGoldenPathCard } from './EntityGoldenPathCard';

// Typing into the dialog is slow on a busy 2-core CI machine.
jest.setTimeout(30_000);

const nodeService: GoldenPathTemplate = {
  templateRef: 'template:default/node-service',
  title: 'Node.js service',
  latestVersion: '2.0.0',
  versions: [
    ['1.0.0', false, ['First release']],
    ['1.2.0', false, ['Adds the /health endpoint']],
    ['1.3.0', false, ['Renovate config']],
    ['2.0.0', true, ['Node 22; the Dockerfile moves to distroless']],
  ].map(([version, breaking, changes]) => ({
    templateRef: 'template:default/node-service',
    version: version as string,
    firstSeenAt: '2026-11-02T09:00:00.000Z',
    breaking: breaking as boolean,
    changelog: {
      version: version as string,
      date: '2026-11-02',
      breaking: breaking as boolean,
      changes: changes as string[],
    },
  })),
};

const onTemplate = {
  'backstage.io/source-template': 'template:default/node-service',
  'backstage.io/template-version': '1.2.0',
};

function component(annotations: Record<string, string> = onTemplate): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

function evaluation(
  overrides: Partial<ComplianceEvaluation> = {},
): ComplianceEvaluation {
  return {
    entityRef: 'component:default/payments',
    owner: 'group:default/team-a',
    templateRef: 'template:default/node-service',
    currentVersion: '1.2.0',
    latestVersion: '2.0.0',
    state: 'compliant',
    reasons: ['on 1.2.0, within the allowed lag of 1 major'],
    lag: { majors: 1, minors: 0, patches: 0, versionsBehind: 2 },
    evaluatedAt: '2027-01-10T09:00:00.000Z',
    changedAt: '2027-01-01T09:00:00.000Z',
    ...overrides,
  };
}

// The permission decisions mockApis.permission takes, without importing
// plugin-permission-common just for a test.
type Decision = ReturnType<
  Extract<
    NonNullable<Parameters<typeof mockApis.permission>[0]>['authorize'],
    (...args: any[]) => any
  >
>;
const AuthorizeResult = {
  ALLOW: 'ALLOW' as Decision,
  DENY: 'DENY' as Decision,
};

// A fake of the whole API, so each test only says what differs.
function fakeApi(overrides: Partial<GoldenPathsApi> = {}): GoldenPathsApi {
  return {
    listTemplates: jest.fn(async () => [nodeService]),
    getCompliance: jest.fn(async () => evaluation()),
    createExemption: jest.fn(),
    deleteExemption: jest.fn(),
    listCompliance: jest.fn(),
    getComplianceSummary: jest.fn(),
    getComplianceHistory: jest.fn(),
    getDora: jest.fn(),
    getDoraByTemplateVersion: jest.fn(),
    getDoraTrend: jest.fn(),
    getEnvironments: jest.fn(),
    ...overrides,
  };
}

function renderCard(
  api: GoldenPathsApi,
  entity: Entity = component(),
  // The demo's platform team may grant and revoke; most tests play one of them.
  permissions: (name: string) => Decision = () => AuthorizeResult.ALLOW,
) {
  const permissionApi = mockApis.permission({
    authorize: request => permissions(request.permission.name),
  });
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

const row = (label: string) => screen.getByText(label).closest('tr')!;

describe('EntityGoldenPathCard', () => {
  it('shows a compliant service with its template, versions and lag', async () => {
    const api = fakeApi({
      getCompliance: jest.fn(async () =>
        evaluation({
          currentVersion: '2.0.0',
          lag: { majors: 0, minors: 0, patches: 0, versionsBehind: 0 },
        }),
      ),
    });
    renderCard(api);

    expect(await screen.findByText('Compliant')).toBeInTheDocument();
    expect(api.getCompliance).toHaveBeenCalledWith(
      'component:default/payments',
    );
    expect(
      screen.getByRole('link', { name: 'Node.js service' }),
    ).toHaveAttribute('href', '/catalog/default/template/node-service');
    expect(row('Version in use')).toHaveTextContent('2.0.0');
    expect(row('Latest version')).toHaveTextContent('2.0.0');
    expect(row('Lag')).toHaveTextContent('up to date');
    // Nothing to upgrade to, nothing to be exempt from.
    expect(screen.queryByRole('button', { name: /upgrade/i })).toBeNull();
    expect(screen.queryByRole('button', { name: /exemption/i })).toBeNull();
  });

  it('shows a warning with the day it starts blocking, the reasons and an exact Upgrade link', async () => {
    renderCard(
      fakeApi({
        getCompliance: jest.fn(async () =>
          evaluation({
            state: 'warn',
            deadline: '2027-03-01',
            reasons: ['1.2.0 is below the minimum supported version 2.0.0'],
          }),
        ),
      }),
    );

    expect(
      await screen.findByText('Warning: blocks on 2027-03-01'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('1.2.0 is below the minimum supported version 2.0.0'),
    ).toBeInTheDocument();
    expect(row('Lag')).toHaveTextContent('1 major behind');
    const formData = {
      entityRef: 'component:default/payments',
      repoName: 'payments',
      targetVersion: '2.0.0',
    };
    // A link styled as a button, so it has the button role.
    expect(
      screen.getByRole('button', { name: 'Upgrade to 2.0.0' }),
    ).toHaveAttribute(
      'href',
      `/create/templates/default/upgrade-service?formData=${encodeURIComponent(
        JSON.stringify(formData),
      )}`,
    );
  });

  it('shows a blocked service as blocked', async () => {
    renderCard(
      fakeApi({
        getCompliance: jest.fn(async () =>
          evaluation({
            state: 'block',
            reasons: ['1.2.0 is below 2.0.0; blocked since 2027-01-01'],
          }),
        ),
      }),
    );

    expect(await screen.findByText('Blocked')).toBeInTheDocument();
    expect(
      screen.getByText('1.2.0 is below 2.0.0; blocked since 2027-01-01'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Request exemption' }),
    ).toBeInTheDocument();
  });

  it('shows an exemption with its expiry and reason, and revokes it', async () => {
    const deleteExemption = jest.fn(async () => ({
      exemption: {
        id: 'ex-1',
        entityRef: 'component:default/payments',
        reason: 'migrating to the new runtime',
        approvedBy: 'user:default/lead',
        expiresAt: '2027-02-28T23:59:59.000Z',
        createdAt: '2027-01-01T09:00:00.000Z',
        revokedAt: '2027-01-11T09:00:00.000Z',
      },
      evaluation: evaluation({ state: 'block', reasons: ['blocked'] }),
    }));
    renderCard(
      fakeApi({
        getCompliance: jest.fn(async () =>
          evaluation({
            state: 'exempt',
            exemptionId: 'ex-1',
            deadline: '2027-02-28T23:59:59.000Z',
            reasons: [
              'exempt until 2027-02-28T23:59:59.000Z, approved by user:default/lead: migrating to the new runtime',
            ],
          }),
        ),
        deleteExemption,
      }),
    );

    expect(
      await screen.findByText('Exempt until 2027-02-28'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/approved by user:default\/lead: migrating/),
    ).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Revoke exemption' }),
    );
    expect(deleteExemption).toHaveBeenCalledWith('ex-1');
    expect(await screen.findByText('Blocked')).toBeInTheDocument();
  });

  it('shows an unknown state with its reason', async () => {
    renderCard(
      fakeApi({
        getCompliance: jest.fn(async () =>
          evaluation({
            state: 'unknown',
            currentVersion: undefined,
            latestVersion: undefined,
            lag: undefined,
            reasons: [
              'component:default/payments has no backstage.io/template-version annotation',
            ],
          }),
        ),
      }),
    );

    expect(
      await screen.findByText(
        'component:default/payments has no backstage.io/template-version annotation',
      ),
    ).toBeInTheDocument();
    expect(row('Policy')).toHaveTextContent('Unknown');
    expect(row('Lag')).toHaveTextContent('Unknown');
  });

  it('says a service without provenance is not on a golden path, without calling the backend', async () => {
    const api = fakeApi();
    renderCard(api, component({}));

    expect(await screen.findByText('Not on a golden path')).toBeInTheDocument();
    expect(screen.queryByText(/error/i)).not.toBeInTheDocument();
    expect(api.getCompliance).not.toHaveBeenCalled();
  });

  it('summarises the drift from the template', async () => {
    renderCard(
      fakeApi({
        getCompliance: jest.fn(async () =>
          evaluation({
            drift: {
              summary: {
                unchanged: 8,
                'changed-by-team': 2,
                'changed-by-template': 1,
                'changed-by-both': 1,
                deleted: 0,
                added: 0,
                likelyConflicts: 1,
                overwrittenOnUpgrade: 0,
                total: 12,
              },
              files: [
                {
                  path: 'Dockerfile',
                  status: 'changed-by-both',
                  ownership: 'shared',
                  sha256: {},
                  likelyConflict: true,
                  overwrittenOnUpgrade: false,
                  reason: 'both changed it',
                },
              ],
              comparedWithLatest: true,
              text: '2 files changed by the team, 1 by the template, 1 by both, 1 likely conflict',
            },
          }),
        ),
      }),
    );

    await screen.findByText('Compliant');
    expect(row('Drift')).toHaveTextContent(
      '2 files changed by the team, 1 by the template, 1 by both, 1 likely conflict',
    );
    expect(
      screen.getByText('Likely conflicts: Dockerfile'),
    ).toBeInTheDocument();
  });

  it('lists the changelog between the version in use and the latest, marking breaking versions', async () => {
    renderCard(fakeApi());

    await screen.findByText('Changes since the version in use');
    expect(screen.queryByTestId('changelog-1.0.0')).toBeNull();
    expect(screen.queryByTestId('changelog-1.2.0')).toBeNull();
    const minor = screen.getByTestId('changelog-1.3.0');
    expect(minor).toHaveTextContent('Renovate config');
    expect(within(minor).queryByText('Breaking')).toBeNull();
    const major = screen.getByTestId('changelog-2.0.0');
    expect(major).toHaveTextContent(
      'Node 22; the Dockerfile moves to distroless',
    );
    expect(within(major).getByText('Breaking')).toBeInTheDocument();
  });

  it('shows progress while loading', async () => {
    renderCard(fakeApi({ getCompliance: () => new Promise(() => {}) }));

    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('shows the backend error when the evaluation cannot be loaded', async () => {
    renderCard(
      fakeApi({
        getCompliance: async () =>
          Promise.reject(new Error('backend unreachable')),
      }),
    );

    expect(
      await screen.findByText('Error: backend unreachable'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Version in use')).not.toBeInTheDocument();
  });

  it('requests an exemption with the reason and expiry entered in the dialog', async () => {
    const createExemption = jest.fn(async () => ({
      exemption: {
        id: 'ex-2',
        entityRef: 'component:default/payments',
        reason: 'waiting on the DB migration',
        approvedBy: 'user:default/lead',
        expiresAt: '2027-02-28T23:59:59.000Z',
        createdAt: '2027-01-10T09:00:00.000Z',
      },
      evaluation: evaluation({
        state: 'exempt',
        exemptionId: 'ex-2',
        deadline: '2027-02-28T23:59:59.000Z',
      }),
    }));
    renderCard(
      fakeApi({
        getCompliance: jest.fn(async () => evaluation({ state: 'block' })),
        createExemption,
      }),
    );

    await userEvent.click(
      await screen.findByRole('button', { name: 'Request exemption' }),
    );
    const dialog = screen.getByRole('dialog');
    await userEvent.type(
      within(dialog).getByLabelText(/Reason/),
      'waiting on the DB migration',
    );
    fireEvent.change(within(dialog).getByLabelText(/Expires on/), {
      target: { value: '2027-02-28' },
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Request exemption' }),
    );

    expect(createExemption).toHaveBeenCalledWith({
      entityRef: 'component:default/payments',
      reason: 'waiting on the DB migration',
      expiresAt: '2027-02-28T23:59:59.000Z',
    });
    expect(
      await screen.findByText('Exempt until 2027-02-28'),
    ).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it("shows the backend's reason when an exemption is refused", async () => {
    const refused = Object.assign(new Error('Request failed with 403'), {
      cause: new Error('Missing permission golden-paths.exemption.create'),
    });
    renderCard(
      fakeApi({
        getCompliance: jest.fn(async () => evaluation({ state: 'warn' })),
        createExemption: jest.fn(async () => Promise.reject(refused)),
      }),
    );

    await userEvent.click(
      await screen.findByRole('button', { name: 'Request exemption' }),
    );
    const dialog = screen.getByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/Reason/), 'please');
    fireEvent.change(within(dialog).getByLabelText(/Expires on/), {
      target: { value: '2027-02-28' },
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Request exemption' }),
    );

    expect(
      await within(dialog).findByText(
        'Missing permission golden-paths.exemption.create',
      ),
    ).toBeInTheDocument();
  });
});
