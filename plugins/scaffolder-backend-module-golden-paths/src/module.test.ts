import {
  createMockDirectory,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs';
import { scaffolderModuleGoldenPaths } from './module';

describe('scaffolderModuleGoldenPaths', () => {
  it('registers the Paved actions with the scaffolder', async () => {
    const addActions = jest.fn();
    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [scaffolderModuleGoldenPaths],
    });
    const ids = addActions.mock.calls.flat().map(action => action.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'paved:provenance:stamp',
        'paved:policy:check',
        'paved:localgit:publish',
        'paved:localgit:fetch',
        'paved:localgit:branch',
      ]),
    );
  });

  it('publishes local repositories under goldenPaths.localGit.root', async () => {
    const mockDir = createMockDirectory({
      content: { workspace: { 'README.md': '# orders\n' } },
    });
    const addActions = jest.fn();
    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [
        scaffolderModuleGoldenPaths,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: {
            goldenPaths: { localGit: { root: mockDir.resolve('repos') } },
          },
        }),
      ],
    });
    const publish = addActions.mock.calls
      .flat()
      .find(action => action.id === 'paved:localgit:publish');
    await publish.handler(
      createMockActionContext({
        input: { repoName: 'orders' },
        workspacePath: mockDir.resolve('workspace'),
      }),
    );
    expect(
      fs.readFileSync(mockDir.resolve('repos/orders/README.md'), 'utf8'),
    ).toBe('# orders\n');
  });
});
