import { http, HttpResponse } from 'msw';
import { GoldenPathTemplate } from '../api';
import { doraMetrics } from './doraFixtures';
import { testBaseUrl } from './mswApi';

/** Sample data for the page's tests: two templates with changelogs. */
export const templates: GoldenPathTemplate[] = [
  {
    templateRef: 'template:default/node-service',
    title: 'Node.js service',
    latestVersion: '2.0.0',
    // In force now, e.g. from app-config `goldenPaths.policies`.
    policy: {
      minimumVersion: '1.1.0',
      warnDate: '2026-12-01',
      blockDate: '2027-01-31',
      maxLag: { majors: 1 },
    },
    versions: [
      ['1.0.0', false, 'First release'],
      ['1.1.0', false, 'Adds the /health endpoint'],
      ['2.0.0', true, 'Node 22; the Dockerfile moves to distroless'],
    ].map(([version, breaking, change]) => ({
      templateRef: 'template:default/node-service',
      version: version as string,
      firstSeenAt: '2026-11-02T09:00:00.000Z',
      breaking: breaking as boolean,
      changelog: {
        version: version as string,
        date: '2026-11-02',
        breaking: breaking as boolean,
        changes: [change as string],
      },
    })),
  },
  {
    templateRef: 'template:default/python-service',
    title: 'Python service',
    latestVersion: '1.1.0',
    versions: ['1.0.0', '1.1.0'].map(version => ({
      templateRef: 'template:default/python-service',
      version,
      firstSeenAt: '2026-11-02T09:00:00.000Z',
    })),
  },
];

const counts = (
  compliant: number,
  warn: number,
  block: number,
  exempt = 0,
  unknown = 0,
) => ({
  compliant,
  warn,
  block,
  exempt,
  unknown,
  total: compliant + warn + block + exempt + unknown,
});

/** Sample rollup per owner. */
export const ownerSummary = [
  { owner: 'group:default/team-payments', ...counts(3, 1, 0, 0, 1) },
  { owner: 'group:default/team-storefront', ...counts(1, 0, 2) },
  { owner: 'group:default/team-data', ...counts(4, 0, 0, 1) },
  { owner: '', ...counts(0, 0, 0, 0, 2) },
];

/** Sample services per template version. */
export const versionSummary = [
  {
    templateRef: 'template:default/node-service',
    version: '1.0.0',
    ...counts(0, 2, 1),
  },
  {
    templateRef: 'template:default/node-service',
    version: '2.0.0',
    ...counts(4, 0, 0),
  },
  {
    templateRef: 'template:default/python-service',
    version: '1.1.0',
    ...counts(2, 0, 0),
  },
  { templateRef: '', version: '', ...counts(0, 0, 0, 0, 2) },
];

/** msw handlers serving the sample data; `asked` records each query. */
export function pageHandlers(asked: Record<string, URLSearchParams[]> = {}) {
  const record = (name: string, request: Request) => {
    (asked[name] ??= []).push(new URL(request.url).searchParams);
  };
  return [
    http.get(`${testBaseUrl}/templates`, () =>
      HttpResponse.json({ items: templates }),
    ),
    http.get(`${testBaseUrl}/compliance/summary`, ({ request }) => {
      record('summary', request);
      const groupBy = new URL(request.url).searchParams.get('groupBy');
      return HttpResponse.json({
        groupBy,
        items: groupBy === 'owner' ? ownerSummary : versionSummary,
      });
    }),
    http.get(`${testBaseUrl}/history`, ({ request }) => {
      record('history', request);
      return HttpResponse.json({
        from: '2026-11-20',
        to: '2026-11-22',
        items: ['2026-11-20', '2026-11-21', '2026-11-22'].map((day, i) => ({
          day,
          ...counts(1 + i, 2 - i, 0, 0, 1),
        })),
      });
    }),
    http.get(`${testBaseUrl}/compliance`, ({ request }) => {
      record('compliance', request);
      const params = new URL(request.url).searchParams;
      const offset = Number(params.get('offset') ?? 0);
      const limit = Number(params.get('limit') ?? 50);
      // 23 services, so a page of 10 leaves more to page through.
      const all = Array.from({ length: 23 }, (_, i) => ({
        entityRef: `component:default/svc-${String(i).padStart(2, '0')}`,
        owner: params.get('owner'),
        state: i === 0 ? 'warn' : 'compliant',
        reasons: i === 0 ? ['below the minimum, "1.1.0"'] : [],
        templateRef: 'template:default/node-service',
        currentVersion: i === 0 ? '1.0.0' : '2.0.0',
        latestVersion: '2.0.0',
        deadline: i === 0 ? '2027-01-31' : undefined,
        evaluatedAt: '2026-11-20T10:00:00.000Z',
        changedAt: '2026-11-20T10:00:00.000Z',
      })).filter(e => !params.get('state') || e.state === params.get('state'));
      return HttpResponse.json({
        items: all.slice(offset, offset + limit),
        totalCount: all.length,
      });
    }),
    http.get(`${testBaseUrl}/dora`, ({ request }) => {
      record('dora', request);
      const only = new URL(request.url).searchParams.get('templateRef');
      const groups = [
        ['template:default/node-service', '1.0.0', 'low', 6],
        ['template:default/node-service', '2.0.0', 'elite', 60],
        ['template:default/python-service', '1.0.0', 'unknown', 2],
        ['template:default/python-service', '1.1.0', 'medium', 20],
      ]
        .filter(([ref]) => !only || ref === only)
        .map(([templateRef, templateVersion, band, deployments]) => ({
          templateRef,
          templateVersion,
          metrics: doraMetrics({
            band: band as any,
            deployments: deployments as number,
          }),
        }));
      return HttpResponse.json({ window: doraMetrics().window, groups });
    }),
  ];
}
