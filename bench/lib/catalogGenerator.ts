import { Entity } from '@backstage/catalog-model';

/**
 * A seeded catalog for the compliance benchmark: a few golden-path Templates
 * (versions, changelogs, policy annotations) and `count` Components with
 * provenance at various versions, owned by 60 groups. The first group owns
 * about 500 services (a sixth of a small catalog), the rest share the others.
 *
 * No entity carries `paved.dev/lock`, `backstage.io/source-location` or
 * `backstage.io/managed-by-location`, so the sweep reads no repository:
 * drift is skipped and only policy evaluation and the database are measured.
 */
export type GeneratedCatalog = {
  entities: Entity[];
  /** Component refs, lowercase, in generation order. */
  componentRefs: string[];
  /** The group that owns the most services, and how many. */
  bigOwner: { ref: string; services: number };
  /** How many Components carry each kind of provenance. */
  mix: Record<
    'spec' | 'annotation' | 'none' | 'garbageVersion' | 'unknownTemplate',
    number
  >;
};

export const OWNER_GROUPS = 60;
const BIG_OWNER_SERVICES = 500;

/** mulberry32: small, fast, good enough for test data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type TemplateSpec = {
  name: string;
  versions: string[];
  policy: Record<string, string>;
};

// Dates far in the past and future, so states do not depend on today.
const TEMPLATES: TemplateSpec[] = [
  {
    name: 'node-service',
    versions: ['1.0.0', '1.1.0', '1.2.0', '2.0.0', '2.1.0', '3.0.0'],
    policy: {
      'paved.dev/policy-minimum-version': '1.1.0',
      'paved.dev/policy-warn-date': '2000-01-01',
      'paved.dev/policy-block-date': '2999-01-01',
      'paved.dev/policy-max-lag': '1 major',
    },
  },
  {
    name: 'python-service',
    versions: ['1.0.0', '1.1.0', '2.0.0'],
    policy: {
      'paved.dev/policy-minimum-version': '1.1.0',
      'paved.dev/policy-warn-date': '2000-01-01',
      'paved.dev/policy-block-date': '2000-06-01',
    },
  },
  {
    name: 'go-service',
    versions: ['0.9.0', '1.0.0', '1.0.1', '1.1.0'],
    policy: { 'paved.dev/policy-max-lag': '2 minor' },
  },
  {
    name: 'java-service',
    versions: ['1.0.0', '2.0.0', '3.0.0', '4.0.0'],
    policy: {
      'paved.dev/policy-minimum-version': '3.0.0',
      'paved.dev/policy-warn-date': '2999-01-01',
    },
  },
  { name: 'static-site', versions: ['1.0.0', '1.0.1'], policy: {} },
];

function changelog(versions: string[]): string {
  return versions
    .slice()
    .reverse()
    .map(
      (v, i) =>
        `- version: ${v}\n  date: 2026-${String(12 - i).padStart(
          2,
          '0',
        )}-01\n  breaking: ${v.endsWith(
          '.0.0',
        )}\n  changes:\n    - Release ${v}\n`,
    )
    .join('');
}

const GARBAGE_VERSIONS = ['latest', 'v-next', '', '1.x', 'banana', '2.0'];

/** Generates the same catalog for the same `count` and `seed`. */
export function generateCatalog(count: number, seed = 42): GeneratedCatalog {
  const random = seededRandom(seed);
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const entities: Entity[] = TEMPLATES.map(t => ({
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name: t.name,
      title: t.name,
      annotations: {
        'backstage.io/template-version': t.versions[t.versions.length - 1],
        'paved.dev/changelog': changelog(t.versions),
        ...t.policy,
      },
    },
    spec: { type: 'service', steps: [] },
  }));
  entities.push({
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name: 'legacy-template',
      annotations: { 'backstage.io/template-version': 'not-semver' },
    },
    spec: { type: 'service', steps: [] },
  });

  const group = (i: number) => `team-${String(i).padStart(2, '0')}`;
  const bigCount = Math.min(BIG_OWNER_SERVICES, Math.floor(count / 6));
  const mix = {
    spec: 0,
    annotation: 0,
    none: 0,
    garbageVersion: 0,
    unknownTemplate: 0,
  };
  const componentRefs: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `service-${String(i).padStart(6, '0')}`;
    const owner =
      i < bigCount
        ? group(0)
        : group(1 + Math.floor(random() * (OWNER_GROUPS - 1)));
    const annotations: Record<string, string> = {};
    const spec: Record<string, string> = {
      type: 'service',
      lifecycle: pick(['production', 'experimental']),
      owner: random() < 0.5 ? owner : `group:default/${owner}`,
    };
    const roll = random();
    if (roll < 0.12) {
      mix.none++;
    } else {
      const unknown = roll < 0.14;
      const template = unknown
        ? { name: 'retired-template', versions: ['1.0.0'] }
        : pick(TEMPLATES);
      if (unknown) mix.unknownTemplate++;
      const garbage = random() < 0.05;
      if (garbage) mix.garbageVersion++;
      annotations['backstage.io/template-version'] = garbage
        ? pick(GARBAGE_VERSIONS)
        : pick(template.versions);
      const ref = `template:default/${template.name}`;
      if (random() < 0.6) {
        spec.scaffoldedFrom = ref;
        mix.spec++;
      } else {
        annotations['backstage.io/source-template'] = ref;
        mix.annotation++;
      }
    }
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        description: `Generated service ${i}`,
        tags: [pick(['java', 'node', 'python', 'go', 'web'])],
        annotations,
      },
      spec,
    });
    componentRefs.push(`component:default/${name}`);
  }
  return {
    entities,
    componentRefs,
    bigOwner: { ref: `group:default/${group(0)}`, services: bigCount },
    mix,
  };
}
