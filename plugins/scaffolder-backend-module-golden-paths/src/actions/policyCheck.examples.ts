import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/**
 * Usage examples for `paved:policy:check`, shown in the scaffolder's
 * installed-actions page.
 */
export const examples: TemplateExample[] = [
  {
    description:
      'Check the owner and the name first, so a broken rule fails the task before anything is created',
    example: yaml.stringify({
      steps: [
        {
          id: 'policy',
          action: 'paved:policy:check',
          name: 'Check platform policy',
          input: {
            owner: '${{ parameters.owner }}',
            name: '${{ parameters.name }}',
          },
        },
        {
          id: 'fetch',
          action: 'fetch:template',
          name: 'Render the skeleton',
          input: {
            url: './skeleton',
            values: { name: '${{ parameters.name }}' },
          },
        },
      ],
    }),
  },
  {
    description:
      'Require a system and a stricter naming pattern for this golden path',
    example: yaml.stringify({
      steps: [
        {
          id: 'policy',
          action: 'paved:policy:check',
          name: 'Check platform policy',
          input: {
            owner: '${{ parameters.owner }}',
            name: '${{ parameters.name }}',
            system: '${{ parameters.system }}',
            requireSystem: true,
            namePattern: '^svc-[a-z][a-z0-9-]{1,40}$',
          },
        },
      ],
    }),
  },
];
