import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';

// A minimal backend for working on this plugin alone:
//   yarn workspace @paved/backstage-plugin-golden-paths-backend start
//   curl http://localhost:7007/api/golden-paths/templates -H 'Authorization: Bearer mock-user-token'
const backend = createBackend();

backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(
  catalogServiceMock.factory({
    entities: [
      {
        apiVersion: 'scaffolder.backstage.io/v1beta3',
        kind: 'Template',
        metadata: {
          name: 'node-service',
          annotations: { 'backstage.io/template-version': '1.0.0' },
        },
        spec: { type: 'service', steps: [] },
      },
    ],
  }),
);
backend.add(import('../src'));

backend.start();
