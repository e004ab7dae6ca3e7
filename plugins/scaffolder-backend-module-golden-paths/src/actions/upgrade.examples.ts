import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/**
 * Usage examples for `paved:template:upgrade`, shown in the scaffolder's
 * installed-actions page.
 */
export const examples: TemplateExample[] = [
  {
    description:
      'Upgrade a service to a new template version and open a pull request with the merge',
    example: yaml.stringify({
      steps: [
        {
          id: 'checkout',
          action: 'fetch:plain',
          name: "Fetch the service's repository",
          // e.g. https://github.com/acme/payments/tree/main
          input: { url: '${{ parameters.serviceUrl }}' },
        },
        {
          id: 'upgrade',
          action: 'paved:template:upgrade',
          name: 'Merge the new template version',
          input: { targetVersion: '${{ parameters.targetVersion }}' },
        },
        {
          id: 'pr',
          action: 'publish:github:pull-request',
          name: 'Open the upgrade pull request',
          input: {
            repoUrl: '${{ parameters.repoUrl }}',
            branchName: 'paved/upgrade-${{ steps.upgrade.output.toVersion }}',
            title: 'Upgrade to template ${{ steps.upgrade.output.toVersion }}',
            description: '${{ steps.upgrade.output.summary }}',
          },
        },
      ],
    }),
  },
  {
    description:
      'Upgrade a service kept in a subdirectory, answering a parameter the new version adds',
    example: yaml.stringify({
      steps: [
        {
          id: 'upgrade',
          action: 'paved:template:upgrade',
          name: 'Merge the new template version',
          input: {
            servicePath: 'service',
            targetVersion: '2.0.0',
            answers: { tier: 'gold' },
          },
        },
      ],
    }),
  },
  {
    description:
      'Upgrade from a mirror of the template, with the lock file in a custom place',
    example: yaml.stringify({
      steps: [
        {
          id: 'upgrade',
          action: 'paved:template:upgrade',
          name: 'Merge the new template version',
          input: {
            targetVersion: '1.1.0',
            lockPath: 'ops/paved-lock.json',
            templateSource:
              'https://github.com/acme/golden-paths/blob/main/templates/node-service/template.yaml',
          },
        },
      ],
    }),
  },
];
