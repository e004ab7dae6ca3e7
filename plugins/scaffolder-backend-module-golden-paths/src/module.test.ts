import { startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderModuleGoldenPaths } from './module';

describe('scaffolderModuleGoldenPaths', () => {
  it('registers the provenance action with the scaffolder', async () => {
    const addActions = jest.fn();
    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [scaffolderModuleGoldenPaths],
    });
    const ids = addActions.mock.calls.flat().map(action => action.id);
    expect(ids).toEqual(['paved:provenance:stamp']);
  });
});
