import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/**
 * Usage examples for `paved:localgit:publish`, shown in the scaffolder's
 * installed-actions page.
 */
export const publishExamples: TemplateExample[] = [
  {
    description:
      'Publish the rendered service as a new local repository, offline',
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
          id: 'publish',
          action: 'paved:localgit:publish',
          name: 'Publish',
          input: { repoName: '${{ parameters.name }}' },
        },
      ],
      output: {
        links: [
          {
            title: 'Repository',
            url: '${{ steps.publish.output.remoteUrl }}',
          },
        ],
      },
    }),
  },
  {
    description:
      'Publish a sub-directory of the workspace on a custom branch with a custom message',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'paved:localgit:publish',
          name: 'Publish',
          input: {
            repoName: '${{ parameters.name }}',
            sourcePath: 'service',
            defaultBranch: 'trunk',
            commitMessage:
              'Create ${{ parameters.name }} from the node-service golden path',
          },
        },
      ],
    }),
  },
];

/**
 * Usage examples for `paved:localgit:fetch`.
 */
export const fetchExamples: TemplateExample[] = [
  {
    description: "Copy a service's main branch into the workspace",
    example: yaml.stringify({
      steps: [
        {
          id: 'fetch-service',
          action: 'paved:localgit:fetch',
          name: 'Fetch the service',
          input: { repoName: '${{ parameters.name }}' },
        },
      ],
    }),
  },
  {
    description: 'Copy another branch into a sub-directory of the workspace',
    example: yaml.stringify({
      steps: [
        {
          id: 'fetch-service',
          action: 'paved:localgit:fetch',
          name: 'Fetch the release branch',
          input: {
            repoName: '${{ parameters.name }}',
            branch: 'release',
            targetPath: 'service',
          },
        },
      ],
    }),
  },
];

/**
 * Usage examples for `paved:localgit:branch`.
 */
export const branchExamples: TemplateExample[] = [
  {
    description:
      'Fetch a service, change it, and propose the change as a new branch (an offline pull request)',
    example: yaml.stringify({
      steps: [
        {
          id: 'fetch-service',
          action: 'paved:localgit:fetch',
          name: 'Fetch the service',
          input: {
            repoName: '${{ parameters.name }}',
            targetPath: 'service',
          },
        },
        {
          id: 'render',
          action: 'fetch:template',
          name: 'Render the new template version over it',
          input: {
            url: './skeleton',
            targetPath: 'service',
            values: { name: '${{ parameters.name }}' },
          },
        },
        {
          id: 'propose',
          action: 'paved:localgit:branch',
          name: 'Propose the upgrade',
          input: {
            repoName: '${{ parameters.name }}',
            sourcePath: 'service',
            branchName: 'paved/upgrade-${{ parameters.version }}',
            commitMessage: 'Upgrade to node-service ${{ parameters.version }}',
            description:
              'Re-renders the service from the new template version and merges your changes.',
          },
        },
      ],
      output: {
        text: [
          {
            title: 'Review',
            content:
              'Branch `${{ steps.propose.output.branchName }}` proposes the change against `${{ steps.propose.output.targetBranchName }}`.',
          },
        ],
      },
    }),
  },
  {
    description: 'Propose a change against a branch other than main',
    example: yaml.stringify({
      steps: [
        {
          id: 'propose',
          action: 'paved:localgit:branch',
          name: 'Propose the change',
          input: {
            repoName: '${{ parameters.name }}',
            sourcePath: '.',
            branchName: 'paved/add-ci',
            baseBranch: 'develop',
            commitMessage: 'Add the platform CI workflow',
          },
        },
      ],
    }),
  },
];
