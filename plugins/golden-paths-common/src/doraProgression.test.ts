import { DeploymentRecord } from './dora';
import { environmentProgression } from './doraProgression';

const SVC = 'component:default/payments';
const PROD = ['production', 'prod'];

function deploy(
  id: string,
  environment: string,
  finishedAt: string,
  version?: string,
  extra: Partial<DeploymentRecord> = {},
): DeploymentRecord {
  return {
    id,
    entityRef: SVC,
    environment,
    finishedAt,
    succeeded: true,
    kind: 'deploy',
    ...(version !== undefined ? { version } : {}),
    ...extra,
  };
}

// 1.4.1 went staging → production; 1.4.2 staging → production; 1.5.0 only
// reached staging. A failed production attempt of 1.5.0 changed nothing.
const history = [
  deploy('a', 'staging', '2026-11-01T10:00:00Z', '1.4.1'),
  deploy('b', 'production', '2026-11-01T15:00:00Z', '1.4.1'),
  deploy('c', 'staging', '2026-11-03T09:00:00Z', '1.4.2'),
  deploy('d', 'production', '2026-11-03T17:30:00Z', '1.4.2'),
  deploy('e', 'staging', '2026-11-05T08:00:00Z', '1.5.0'),
  deploy('f', 'production', '2026-11-05T12:00:00Z', '1.5.0', {
    succeeded: false,
  }),
];

describe('environmentProgression', () => {
  it('gives the latest version per environment, production last, and each version’s promotion', () => {
    expect(environmentProgression(history, PROD)).toEqual({
      environments: [
        {
          name: 'staging',
          version: '1.5.0',
          deployedAt: '2026-11-05T08:00:00.000Z',
          production: false,
        },
        {
          name: 'production',
          version: '1.4.2',
          deployedAt: '2026-11-03T17:30:00.000Z',
          production: true,
        },
      ],
      promotions: [
        {
          version: '1.5.0',
          steps: [{ environment: 'staging', at: '2026-11-05T08:00:00.000Z' }],
        },
        {
          version: '1.4.2',
          steps: [
            { environment: 'staging', at: '2026-11-03T09:00:00.000Z' },
            { environment: 'production', at: '2026-11-03T17:30:00.000Z' },
          ],
        },
        {
          version: '1.4.1',
          steps: [
            { environment: 'staging', at: '2026-11-01T10:00:00.000Z' },
            { environment: 'production', at: '2026-11-01T15:00:00.000Z' },
          ],
        },
      ],
    });
  });

  it('lets a rollback decide what runs now without moving the first arrival', () => {
    const rolledBack = [
      ...history,
      deploy('g', 'production', '2026-11-06T00:00:00Z', '1.4.1', {
        kind: 'rollback',
      }),
    ];
    const result = environmentProgression(rolledBack, PROD);
    expect(result.environments[1]).toMatchObject({
      name: 'production',
      version: '1.4.1',
      deployedAt: '2026-11-06T00:00:00.000Z',
    });
    expect(result.promotions.find(p => p.version === '1.4.1')?.steps).toEqual([
      { environment: 'staging', at: '2026-11-01T10:00:00.000Z' },
      { environment: 'production', at: '2026-11-01T15:00:00.000Z' },
    ]);
  });

  it('follows the configured production environments, case-insensitively', () => {
    const result = environmentProgression(
      [
        deploy('a', 'Live', '2026-11-01T10:00:00Z', '1.0.0'),
        deploy('b', 'qa', '2026-11-01T09:00:00Z', '1.0.0'),
        deploy('c', 'dev', '2026-11-01T08:00:00Z', '1.0.0'),
      ],
      ['live'],
    );
    expect(result.environments.map(e => [e.name, e.production])).toEqual([
      ['dev', false],
      ['qa', false],
      ['Live', true],
    ]);
    expect(result.promotions[0].steps.map(s => s.environment)).toEqual([
      'dev',
      'qa',
      'Live',
    ]);
  });

  it('counts a redelivered deployment once and ignores input order', () => {
    const shuffled = [...history].reverse();
    expect(environmentProgression([...shuffled, ...history], PROD)).toEqual(
      environmentProgression(history, PROD),
    );
  });

  it('keeps deployments without a version out of promotions only', () => {
    const result = environmentProgression(
      [deploy('a', 'staging', '2026-11-01T10:00:00Z')],
      PROD,
    );
    expect(result).toEqual({
      environments: [
        {
          name: 'staging',
          deployedAt: '2026-11-01T10:00:00.000Z',
          production: false,
        },
      ],
      promotions: [],
    });
  });

  it('lists at most `limit` versions, newest first', () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      deploy(
        `d${i}`,
        'production',
        new Date(Date.UTC(2026, 9, 1 + i)).toISOString(),
        `1.${i}.0`,
      ),
    );
    const listed = environmentProgression(many, PROD).promotions;
    expect(listed).toHaveLength(20);
    expect(listed[0].version).toBe('1.29.0');
    expect(listed[19].version).toBe('1.10.0');
    expect(
      environmentProgression(many, PROD, { limit: 3 }).promotions.map(
        p => p.version,
      ),
    ).toEqual(['1.29.0', '1.28.0', '1.27.0']);
  });

  it('is empty without successful deployments', () => {
    expect(environmentProgression([history[5]], PROD)).toEqual({
      environments: [],
      promotions: [],
    });
  });
});
