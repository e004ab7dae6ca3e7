import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/**
 * Usage examples for `paved:provenance:stamp`, shown in the scaffolder's
 * installed-actions page.
 */
export const examples: TemplateExample[] = [
  {
    description:
      'Stamp provenance right after rendering the skeleton, recording every answer',
    example: yaml.stringify({
      steps: [
        {
          id: 'fetch',
          action: 'fetch:template',
          name: 'Render the skeleton',
          input: {
            url: './skeleton',
            values: { name: '${{ parameters.name }}' },
          },
        },
        {
          id: 'stamp',
          action: 'paved:provenance:stamp',
          name: 'Record provenance',
          input: { values: '${{ parameters }}' },
        },
      ],
    }),
  },
  {
    description:
      'Declare who owns which files on upgrade, and keep an answer out of the lock file',
    example: yaml.stringify({
      steps: [
        {
          id: 'stamp',
          action: 'paved:provenance:stamp',
          name: 'Record provenance',
          input: {
            values: '${{ parameters }}',
            secretKeys: ['databasePassword'],
            ownership: {
              '.github/workflows/': 'platform',
              'src/': 'shared',
              'README.md': 'seed',
            },
          },
        },
      ],
    }),
  },
  {
    description:
      'Stamp a service rendered into a sub-directory, pinning the version and the template source',
    example: yaml.stringify({
      steps: [
        {
          id: 'stamp',
          action: 'paved:provenance:stamp',
          name: 'Record provenance',
          input: {
            catalogInfoPath: 'service/catalog-info.yaml',
            lockPath: 'service/.paved/lock.json',
            values: '${{ parameters }}',
            templateVersion: '2.1.0',
            templateSource:
              'https://github.com/acme/golden-paths/tree/v2.1.0/templates/node-service',
          },
        },
      ],
    }),
  },
];
