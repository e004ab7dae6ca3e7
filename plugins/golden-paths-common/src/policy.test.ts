import {
  comparePolicyStates,
  evaluateTemplatePolicy,
  EvaluateTemplatePolicyInput,
  Exemption,
  gateDecision,
  latestTemplateVersion,
  PolicyEvaluation,
  readTemplatePolicy,
  TemplatePolicy,
  worstState,
} from './policy';
import { PolicyState } from './types';

const SERVICE = 'component:default/payments';
const TEMPLATE = 'template:default/node-service';
const PUBLISHED = [
  '1.0.0',
  '1.1.0',
  '1.2.0',
  '1.9.0',
  '1.10.0',
  '2.0.0',
  '2.1.0',
];

const MIN = 'paved.dev/policy-minimum-version';
const WARN = 'paved.dev/policy-warn-date';
const BLOCK = 'paved.dev/policy-block-date';
const LAG = 'paved.dev/policy-max-lag';

function evaluate(
  options: {
    version?: string;
    templateRef?: string | null;
    published?: string[];
    policy?: TemplatePolicy;
    exemptions?: Exemption[];
    now?: string;
  } & Partial<Pick<EvaluateTemplatePolicyInput, 'policyProblems'>>,
): PolicyEvaluation {
  return evaluateTemplatePolicy({
    provenance: {
      entityRef: SERVICE,
      templateRef:
        options.templateRef === null
          ? undefined
          : options.templateRef ?? TEMPLATE,
      version: options.version,
    },
    publishedVersions: options.published ?? PUBLISHED,
    policy: options.policy ?? {},
    exemptions: options.exemptions ?? [],
    now: new Date(options.now ?? '2026-01-15T12:00:00.000Z'),
    policyProblems: options.policyProblems,
  });
}

function exemption(overrides: Partial<Exemption> = {}): Exemption {
  return {
    id: 'ex-1',
    entityRef: SERVICE,
    reason: 'migrating to v2 with the payments rewrite',
    approvedBy: 'user:default/jane',
    expiresAt: '2026-06-30T00:00:00.000Z',
    createdAt: '2026-01-01T09:00:00.000Z',
    ...overrides,
  };
}

describe('readTemplatePolicy', () => {
  it('reads the four annotations', () => {
    expect(
      readTemplatePolicy({
        [MIN]: 'v2.0.0',
        [WARN]: '2026-03-01',
        [BLOCK]: ' 2026-04-01 ',
        [LAG]: '1 major',
        'backstage.io/template-version': '2.1.0',
      }),
    ).toEqual({
      policy: {
        minimumVersion: '2.0.0',
        warnDate: '2026-03-01',
        blockDate: '2026-04-01',
        maxLag: { majors: 1 },
      },
      problems: [],
    });
  });

  it('has no policy and no problems without annotations, or with empty ones', () => {
    expect(readTemplatePolicy(undefined)).toEqual({ policy: {}, problems: [] });
    expect(
      readTemplatePolicy({ [MIN]: '', [WARN]: ' ', [BLOCK]: '', [LAG]: '' }),
    ).toEqual({ policy: {}, problems: [] });
  });

  it.each([
    ['1 major', { majors: 1 }],
    ['1 majors', { majors: 1 }],
    ['0 majors', { majors: 0 }],
    ['2 minors', { minors: 2 }],
    ['1 minor', { minors: 1 }],
    ['3 MINORS', { minors: 3 }],
    ['1 Major', { majors: 1 }],
    ['2major', { majors: 2 }],
    ['  4   minors ', { minors: 4 }],
  ])('reads max lag %j', (value, maxLag) => {
    expect(readTemplatePolicy({ [LAG]: value })).toEqual({
      policy: { maxLag },
      problems: [],
    });
  });

  it.each(['1 patch', 'one major', '-1 majors', '1.5 majors', 'majors', '1'])(
    'reports and drops max lag %j',
    value => {
      expect(readTemplatePolicy({ [LAG]: value })).toEqual({
        policy: {},
        problems: [
          `${LAG} '${value}' is not a lag like '1 major' or '2 minors'; it is ignored`,
        ],
      });
    },
  );

  it('reports and drops a minimum version that is not semver', () => {
    expect(
      readTemplatePolicy({ [MIN]: 'one-point-ten', [LAG]: '1 major' }),
    ).toEqual({
      policy: { maxLag: { majors: 1 } },
      problems: [
        `${MIN} 'one-point-ten' is not a semver version (e.g. 1.4.0); it is ignored`,
      ],
    });
    expect(readTemplatePolicy({ [MIN]: '1.10' }).problems).toHaveLength(1);
  });

  it.each(['2024-02-29', '2026-12-31', '2026-01-01'])(
    'accepts the real calendar date %s',
    date => {
      expect(readTemplatePolicy({ [MIN]: '2.0.0', [BLOCK]: date })).toEqual({
        policy: { minimumVersion: '2.0.0', blockDate: date },
        problems: [],
      });
    },
  );

  it.each([
    '2026-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-1-5',
    '01/03/2026',
    '2026-03-01T00:00:00Z',
    'next tuesday',
  ])('reports and drops the date %j', date => {
    expect(readTemplatePolicy({ [MIN]: '2.0.0', [WARN]: date })).toEqual({
      policy: { minimumVersion: '2.0.0' },
      problems: [
        `${WARN} '${date}' is not a calendar date written YYYY-MM-DD; it is ignored`,
      ],
    });
  });

  it('drops a warn date after the block date, keeping the block date', () => {
    expect(
      readTemplatePolicy({
        [MIN]: '2.0.0',
        [WARN]: '2026-04-02',
        [BLOCK]: '2026-04-01',
      }),
    ).toEqual({
      policy: { minimumVersion: '2.0.0', blockDate: '2026-04-01' },
      problems: [
        `${WARN} 2026-04-02 is after ${BLOCK} 2026-04-01; the warn date is ignored`,
      ],
    });
  });

  it('accepts a warn date equal to the block date', () => {
    expect(
      readTemplatePolicy({
        [MIN]: '2.0.0',
        [WARN]: '2026-04-01',
        [BLOCK]: '2026-04-01',
      }).problems,
    ).toEqual([]);
  });

  it('drops dates when there is no minimum version for them to apply to', () => {
    expect(
      readTemplatePolicy({ [WARN]: '2026-03-01', [BLOCK]: '2026-04-01' }),
    ).toEqual({
      policy: {},
      problems: [
        'warn and block dates only apply to versions below a minimum version, and none is set; they are ignored',
      ],
    });
  });

  it('drops dates whose minimum is invalid, reporting only the minimum', () => {
    expect(readTemplatePolicy({ [MIN]: '2.x', [BLOCK]: '2026-04-01' })).toEqual(
      {
        policy: {},
        problems: [
          `${MIN} '2.x' is not a semver version (e.g. 1.4.0); it is ignored`,
        ],
      },
    );
  });

  it('returns a policy that evaluateTemplatePolicy finds nothing more wrong with', () => {
    const messy: Record<string, string>[] = [
      { [MIN]: '2.x', [WARN]: '2026-03-01', [BLOCK]: '2026-04-01' },
      { [MIN]: '2.0.0', [WARN]: '2026-05-01', [BLOCK]: '2026-04-01' },
      { [WARN]: '2026-03-01', [LAG]: '1 patch' },
      { [MIN]: '2.0.0', [WARN]: '2026-02-30', [LAG]: '0 majors' },
    ];
    for (const annotations of messy) {
      const { policy, problems } = readTemplatePolicy(annotations);
      expect(problems.length).toBeGreaterThan(0);
      const reasons = evaluate({ version: '1.0.0', policy }).reasons;
      expect(reasons.filter(r => r.startsWith('policy problem'))).toEqual([]);
    }
  });

  it('lets app-config override the annotations key by key', () => {
    expect(
      readTemplatePolicy(
        { [MIN]: '1.0.0', [WARN]: '2026-03-01', [LAG]: '2 minors' },
        { minimumVersion: '2.0.0', blockDate: '2026-05-01', maxLag: '1 major' },
      ),
    ).toEqual({
      policy: {
        minimumVersion: '2.0.0',
        warnDate: '2026-03-01',
        blockDate: '2026-05-01',
        maxLag: { majors: 1 },
      },
      problems: [],
    });
  });

  it('does not fall back to the annotation when the configured value is invalid', () => {
    expect(
      readTemplatePolicy(
        { [MIN]: '1.0.0' },
        { minimumVersion: 'two', warnDate: '2026-02-30' },
      ),
    ).toEqual({
      policy: {},
      problems: [
        "goldenPaths.policies minimumVersion 'two' is not a semver version (e.g. 1.4.0); it is ignored",
        "goldenPaths.policies warnDate '2026-02-30' is not a calendar date written YYYY-MM-DD; it is ignored",
      ],
    });
  });

  it('checks configured values at run time, whatever their type', () => {
    const configured = {
      minimumVersion: 2,
      maxLag: { majors: -1 },
    } as unknown as TemplatePolicy;
    expect(readTemplatePolicy(undefined, configured).problems).toEqual([
      'goldenPaths.policies minimumVersion 2 is not a semver version (e.g. 1.4.0); it is ignored',
      "goldenPaths.policies maxLag {\"majors\":-1} is not a lag like '1 major' or '2 minors'; it is ignored",
    ]);
  });

  it.each([
    [
      { majors: 1, minors: 2 },
      { majors: 1, minors: 2 },
    ],
    [{ minors: 0 }, { minors: 0 }],
    [{}, undefined],
  ])('reads a configured max lag object %j', (maxLag, expected) => {
    expect(readTemplatePolicy(undefined, { maxLag })).toEqual({
      policy: expected ? { maxLag: expected } : {},
      problems: [],
    });
  });

  it.each([[{ patches: 1 }], [{ majors: 1.5 }], [[1]], [{ minors: '2' }]])(
    'reports the configured max lag object %j',
    maxLag => {
      const { policy, problems } = readTemplatePolicy(undefined, {
        maxLag: maxLag as unknown as TemplatePolicy['maxLag'],
      });
      expect(policy).toEqual({});
      expect(problems).toEqual([
        expect.stringMatching(/^goldenPaths.policies maxLag .* is not a lag/),
      ]);
    },
  );
});

describe('evaluateTemplatePolicy', () => {
  describe('unknown, never silently compliant', () => {
    it.each([
      [
        'no template',
        { templateRef: null, version: '1.0.0' },
        `${SERVICE} was not created from a golden-path template: neither spec.scaffoldedFrom nor the backstage.io/source-template annotation names one`,
      ],
      [
        'a blank template',
        { templateRef: '  ', version: '1.0.0' },
        `${SERVICE} was not created from a golden-path template: neither spec.scaffoldedFrom nor the backstage.io/source-template annotation names one`,
      ],
      [
        'no version',
        {},
        `${SERVICE} has no backstage.io/template-version annotation, so its version of ${TEMPLATE} is unknown`,
      ],
      [
        'a version that is not semver',
        { version: 'main' },
        `${SERVICE} has backstage.io/template-version 'main', which is not a semver version`,
      ],
      [
        'a template with no published version',
        { version: '1.0.0', published: [] },
        `template ${TEMPLATE} is not in the registry: no published version is known`,
      ],
      [
        'a template whose versions are all garbage',
        { version: '1.0.0', published: ['latest', 'v-next'] },
        `template ${TEMPLATE} is not in the registry: no published version is known`,
      ],
    ])('with %s', (_, options, reason) => {
      const result = evaluate({
        ...options,
        policy: { minimumVersion: '2.0.0', blockDate: '2026-01-01' },
      });
      expect(result.state).toBe('unknown');
      expect(result.reasons).toEqual([reason]);
      expect(gateDecision(result).decision).toBe('warn');
    });

    it('keeps what it knows: template, versions, and an exemption it does not apply', () => {
      expect(
        evaluate({ published: PUBLISHED, exemptions: [exemption()] }),
      ).toEqual({
        state: 'unknown',
        reasons: [
          expect.stringContaining('has no backstage.io/template-version'),
        ],
        templateRef: TEMPLATE,
        latestVersion: '2.1.0',
        exemption: exemption(),
      });
      expect(evaluate({ version: ' 1.2.0 ', published: [] })).toMatchObject({
        state: 'unknown',
        currentVersion: '1.2.0',
      });
    });
  });

  describe('where a service stands', () => {
    it('is compliant on the latest version', () => {
      expect(evaluate({ version: '2.1.0' })).toEqual({
        state: 'compliant',
        reasons: [`on 2.1.0, the latest version of ${TEMPLATE}`],
        lag: { majors: 0, minors: 0, patches: 0, versionsBehind: 0 },
        currentVersion: '2.1.0',
        latestVersion: '2.1.0',
        templateRef: TEMPLATE,
      });
    });

    it('is compliant behind the latest when the template sets no policy', () => {
      expect(evaluate({ version: 'v1.9.0' })).toMatchObject({
        state: 'compliant',
        reasons: [
          `version 1.9.0 is 1 major behind 2.1.0; ${TEMPLATE} sets no upgrade policy`,
        ],
        lag: { majors: 1, minors: 0, patches: 0, versionsBehind: 3 },
        currentVersion: '1.9.0',
      });
    });

    it('says a service within the policy is within the policy', () => {
      expect(
        evaluate({ version: '2.0.0', policy: { maxLag: { majors: 0 } } })
          .reasons,
      ).toEqual(['version 2.0.0 is 1 minor behind 2.1.0; within the policy']);
    });

    it('is compliant ahead of the latest version', () => {
      expect(evaluate({ version: '3.0.0' })).toMatchObject({
        state: 'compliant',
        reasons: [`on 3.0.0, ahead of the latest version 2.1.0 of ${TEMPLATE}`],
        lag: { versionsBehind: 0 },
      });
    });

    it('refuses an invalid now', () => {
      expect(() => evaluate({ version: '1.0.0', now: 'yesterday' })).toThrow(
        TypeError,
      );
    });
  });

  describe('minimum version with warn and block dates', () => {
    const policy: TemplatePolicy = {
      minimumVersion: '2.0.0',
      warnDate: '2026-03-01',
      blockDate: '2026-04-01',
    };
    const below = 'version 1.10.0 is below the minimum supported version 2.0.0';

    it.each([
      [
        '2026-01-15T12:00:00.000Z',
        'compliant',
        '2026-03-01',
        `${below}; warnings start on 2026-03-01 and blocking on 2026-04-01`,
      ],
      [
        '2026-02-28T23:59:59.999Z',
        'compliant',
        '2026-03-01',
        `${below}; warnings start on 2026-03-01 and blocking on 2026-04-01`,
      ],
      // Dates are UTC days: half past midnight in Paris is still February.
      [
        '2026-03-01T00:30:00.000+01:00',
        'compliant',
        '2026-03-01',
        `${below}; warnings start on 2026-03-01 and blocking on 2026-04-01`,
      ],
      [
        '2026-03-01T00:00:00.000Z',
        'warn',
        '2026-04-01',
        `${below}; blocked from 2026-04-01`,
      ],
      [
        '2026-03-31T23:59:59.999Z',
        'warn',
        '2026-04-01',
        `${below}; blocked from 2026-04-01`,
      ],
      [
        '2026-04-01T00:00:00.000Z',
        'block',
        undefined,
        `${below}; blocked since 2026-04-01`,
      ],
      [
        '2031-01-01T00:00:00.000Z',
        'block',
        undefined,
        `${below}; blocked since 2026-04-01`,
      ],
    ])('at %s is %s', (now, state, deadline, reason) => {
      const result = evaluate({ version: '1.10.0', policy, now });
      expect(result.state).toBe(state);
      expect(result.deadline).toBe(deadline);
      expect(result.reasons).toEqual([reason]);
    });

    it.each([
      ['2026-03-31T23:59:59.999Z', 'warn', '2026-04-01'],
      ['2026-04-01T00:00:00.000Z', 'block', undefined],
    ])(
      'with only a block date, warns until it: at %s %s',
      (now, state, deadline) => {
        const result = evaluate({
          version: '1.0.0',
          policy: { minimumVersion: '2.0.0', blockDate: '2026-04-01' },
          now,
        });
        expect(result.state).toBe(state);
        expect(result.deadline).toBe(deadline);
      },
    );

    it.each([
      ['2026-02-28T23:59:59.999Z', 'compliant', '2026-03-01'],
      ['2026-03-01T00:00:00.000Z', 'warn', undefined],
      ['2031-01-01T00:00:00.000Z', 'warn', undefined],
    ])(
      'with only a warn date, never blocks: at %s %s',
      (now, state, deadline) => {
        const result = evaluate({
          version: '1.0.0',
          policy: { minimumVersion: '2.0.0', warnDate: '2026-03-01' },
          now,
        });
        expect(result.state).toBe(state);
        expect(result.deadline).toBe(deadline);
      },
    );

    it('with neither date, warns at once and has no deadline', () => {
      const result = evaluate({
        version: '1.0.0',
        policy: { minimumVersion: '2.0.0' },
      });
      expect(result.state).toBe('warn');
      expect(result.deadline).toBeUndefined();
      expect(result.reasons).toEqual([
        'version 1.0.0 is below the minimum supported version 2.0.0',
      ]);
    });

    it('with the same warn and block date, goes from compliant straight to block', () => {
      const sameDay = { ...policy, warnDate: '2026-04-01' };
      const before = evaluate({
        version: '1.0.0',
        policy: sameDay,
        now: '2026-03-31T23:59:59.999Z',
      });
      expect(before).toMatchObject({
        state: 'compliant',
        deadline: '2026-04-01',
      });
      expect(
        evaluate({
          version: '1.0.0',
          policy: sameDay,
          now: '2026-04-01T00:00:00.000Z',
        }).state,
      ).toBe('block');
    });

    it.each(['2.0.0', '2.1.0', '3.0.0'])(
      'leaves a service on %s alone, whatever the date',
      version => {
        const result = evaluate({
          version,
          policy,
          now: '2031-01-01T00:00:00.000Z',
        });
        expect(result.state).toBe('compliant');
        expect(result.deadline).toBeUndefined();
      },
    );

    it('compares versions by semver, not as strings', () => {
      const numeric = { minimumVersion: '1.10.0' };
      expect(evaluate({ version: '1.9.0', policy: numeric }).state).toBe(
        'warn',
      );
      expect(evaluate({ version: '1.10.0', policy: numeric }).state).toBe(
        'compliant',
      );
    });

    it('counts a pre-release of the minimum as below it', () => {
      expect(
        evaluate({
          version: '2.0.0-rc.1',
          published: [...PUBLISHED, '2.0.0-rc.1'],
          policy: { minimumVersion: '2.0.0' },
        }).state,
      ).toBe('warn');
    });
  });

  describe('maximum lag', () => {
    it.each([
      // [maxLag, version, published, state, reason]
      [
        { majors: 1 },
        '1.0.0',
        PUBLISHED,
        'compliant',
        'version 1.0.0 is 1 major behind 2.1.0; within the policy',
      ],
      [
        { majors: 1 },
        '1.0.0',
        [...PUBLISHED, '3.0.0'],
        'warn',
        'version 1.0.0 is 2 majors behind 3.0.0; the policy allows 1 major',
      ],
      [
        { majors: 0 },
        '1.10.0',
        PUBLISHED,
        'warn',
        'version 1.10.0 is 1 major behind 2.1.0; the policy allows 0 majors',
      ],
      [
        { majors: 0 },
        '2.0.0',
        PUBLISHED,
        'compliant',
        'version 2.0.0 is 1 minor behind 2.1.0; within the policy',
      ],
      [
        { minors: 2 },
        '1.8.0',
        ['1.7.0', '1.8.0', '1.10.0'],
        'compliant',
        'version 1.8.0 is 2 minors behind 1.10.0; within the policy',
      ],
      [
        { minors: 2 },
        '1.7.0',
        ['1.7.0', '1.8.0', '1.10.0'],
        'warn',
        'version 1.7.0 is 3 minors behind 1.10.0; the policy allows 2 minors on the latest major',
      ],
      [
        { minors: 2 },
        '0.10.0',
        ['0.10.0', '1.0.0'],
        'warn',
        'version 0.10.0 is 1 major behind 1.0.0; the policy allows 2 minors on the latest major',
      ],
      // Patches never count against a lag limit.
      [
        { minors: 0 },
        '1.2.0',
        ['1.2.0', '1.2.5'],
        'compliant',
        'version 1.2.0 is 5 patches behind 1.2.5; within the policy',
      ],
      [
        { minors: 1 },
        '1.0.0',
        ['1.0.0', '1.2.0'],
        'warn',
        'version 1.0.0 is 2 minors behind 1.2.0; the policy allows 1 minor on the latest major',
      ],
      [
        { majors: 1, minors: 2 },
        '1.0.0',
        ['1.0.0', '2.5.0'],
        'compliant',
        'version 1.0.0 is 1 major behind 2.5.0; within the policy',
      ],
      [
        { majors: 1, minors: 2 },
        '2.2.0',
        ['2.2.0', '2.5.0'],
        'warn',
        'version 2.2.0 is 3 minors behind 2.5.0; the policy allows 1 major, or 2 minors on the latest major',
      ],
      // A pre-release of the next major does not put services behind.
      [
        { majors: 0 },
        '2.1.0',
        [...PUBLISHED, '3.0.0-rc.1'],
        'compliant',
        `on 2.1.0, the latest version of ${TEMPLATE}`,
      ],
    ] as const)(
      'maxLag %j on %s',
      (maxLag, version, published, state, reason) => {
        const result = evaluate({
          version,
          published: [...published],
          policy: { maxLag },
        });
        expect(result.state).toBe(state);
        expect(result.reasons).toEqual([reason]);
        expect(result.deadline).toBeUndefined();
      },
    );
  });

  describe('both rules', () => {
    const policy: TemplatePolicy = {
      minimumVersion: '2.0.0',
      warnDate: '2026-03-01',
      blockDate: '2026-04-01',
      maxLag: { majors: 1 },
    };
    const published = [...PUBLISHED, '3.0.0'];
    const lagReason =
      'version 1.0.0 is 2 majors behind 3.0.0; the policy allows 1 major';

    it('takes the worse state and keeps every reason', () => {
      const early = evaluate({ version: '1.0.0', published, policy });
      expect(early).toMatchObject({
        state: 'warn',
        reasons: [
          'version 1.0.0 is below the minimum supported version 2.0.0; warnings start on 2026-03-01 and blocking on 2026-04-01',
          lagReason,
        ],
        // The warn date changes nothing already warned: the block date is next.
        deadline: '2026-04-01',
        latestVersion: '3.0.0',
      });

      const late = evaluate({
        version: '1.0.0',
        published,
        policy,
        now: '2026-04-01T00:00:00.000Z',
      });
      expect(late.state).toBe('block');
      expect(late.reasons).toEqual([
        'version 1.0.0 is below the minimum supported version 2.0.0; blocked since 2026-04-01',
        lagReason,
      ]);
      expect(late.deadline).toBeUndefined();
    });

    it('has no deadline when the only date ahead would not make it worse', () => {
      const result = evaluate({
        version: '1.0.0',
        published,
        policy: { ...policy, blockDate: undefined },
      });
      expect(result.state).toBe('warn');
      expect(result.deadline).toBeUndefined();
    });

    it('warns for the lag alone when above the minimum', () => {
      const result = evaluate({
        version: '2.0.0',
        published: [...published, '4.0.0'],
        policy,
        now: '2030-01-01T00:00:00.000Z',
      });
      expect(result.state).toBe('warn');
      expect(result.reasons).toEqual([
        'version 2.0.0 is 2 majors behind 4.0.0; the policy allows 1 major',
      ]);
    });
  });

  describe('pre-releases', () => {
    it('puts a service on a release candidate behind once the release is out', () => {
      expect(
        evaluate({
          version: '2.0.0-rc.1',
          published: ['1.0.0', '2.0.0-rc.1', '2.0.0'],
        }),
      ).toMatchObject({
        state: 'compliant',
        latestVersion: '2.0.0',
        lag: { majors: 0, minors: 0, patches: 0, versionsBehind: 1 },
        reasons: [
          `version 2.0.0-rc.1 is 1 version behind 2.0.0; ${TEMPLATE} sets no upgrade policy`,
        ],
      });
    });

    it('measures against the latest release, not a newer pre-release', () => {
      const published = ['1.0.0', '2.0.0', '3.0.0-rc.1'];
      expect(evaluate({ version: '2.0.0', published })).toMatchObject({
        latestVersion: '2.0.0',
        reasons: [`on 2.0.0, the latest version of ${TEMPLATE}`],
      });
      expect(evaluate({ version: '3.0.0-rc.1', published }).reasons).toEqual([
        `on 3.0.0-rc.1, ahead of the latest version 2.0.0 of ${TEMPLATE}`,
      ]);
    });

    it('measures against the latest pre-release when nothing is released', () => {
      expect(
        evaluate({
          version: '1.0.0-beta.1',
          published: ['1.0.0-beta.1', '1.0.0-beta.2'],
        }),
      ).toMatchObject({
        latestVersion: '1.0.0-beta.2',
        reasons: [
          `version 1.0.0-beta.1 is 1 pre-release behind 1.0.0-beta.2; ${TEMPLATE} sets no upgrade policy`,
        ],
      });
    });
  });

  describe('exemptions', () => {
    const blocking: TemplatePolicy = {
      minimumVersion: '2.0.0',
      blockDate: '2026-01-01',
    };
    const warning: TemplatePolicy = { minimumVersion: '2.0.0' };

    it.each([
      ['block', blocking],
      ['warn', warning],
    ])(
      'turns %s into exempt and says who approved it until when',
      (_, policy) => {
        const result = evaluate({
          version: '1.0.0',
          policy,
          exemptions: [exemption()],
        });
        expect(result.state).toBe('exempt');
        expect(result.deadline).toBe('2026-06-30T00:00:00.000Z');
        expect(result.exemption).toEqual(exemption());
        expect(result.reasons[0]).toBe(
          'exempt until 2026-06-30T00:00:00.000Z, approved by user:default/jane: migrating to v2 with the payments rewrite',
        );
        // What is being excused stays visible.
        expect(result.reasons[1]).toMatch(
          /below the minimum supported version/,
        );
        expect(gateDecision(result).decision).toBe('allow');
      },
    );

    it('stops counting at its expiry, exactly', () => {
      const expiresAt = '2026-06-30T00:00:00.000Z';
      const at = (now: string) =>
        evaluate({
          version: '1.0.0',
          policy: blocking,
          exemptions: [exemption({ expiresAt })],
          now,
        });
      expect(at('2026-06-29T23:59:59.999Z').state).toBe('exempt');
      expect(at(expiresAt)).toMatchObject({ state: 'block' });
      expect(at(expiresAt).exemption).toBeUndefined();
      expect(at('2026-07-01T00:00:00.000Z').state).toBe('block');
    });

    it('leaves a compliant service compliant, and still reports the exemption', () => {
      const result = evaluate({
        version: '2.1.0',
        policy: blocking,
        exemptions: [exemption()],
      });
      expect(result.state).toBe('compliant');
      expect(result.exemption).toEqual(exemption());
      expect(result.reasons).toEqual([
        `on 2.1.0, the latest version of ${TEMPLATE}`,
      ]);
    });

    it.each([
      ['another service', { entityRef: 'component:default/ledger' }, 'block'],
      [
        'another template',
        { templateRef: 'template:default/go-service' },
        'block',
      ],
      ['an unreadable expiry', { expiresAt: 'end of Q3' }, 'block'],
      ['this template', { templateRef: TEMPLATE }, 'exempt'],
      ['any template', { templateRef: undefined }, 'exempt'],
      [
        'refs written in another case',
        {
          entityRef: 'Component:default/Payments',
          templateRef: 'Template:default/Node-Service',
        },
        'exempt',
      ],
    ])('with an exemption for %s is %s', (_, overrides, state) => {
      expect(
        evaluate({
          version: '1.0.0',
          policy: blocking,
          exemptions: [exemption(overrides)],
        }).state,
      ).toBe(state);
    });

    it('uses the exemption that lasts longest', () => {
      const longest = exemption({
        id: 'ex-2',
        expiresAt: '2026-09-30T00:00:00.000Z',
      });
      const result = evaluate({
        version: '1.0.0',
        policy: blocking,
        exemptions: [exemption(), longest, exemption({ id: 'ex-3' })],
      });
      expect(result.exemption?.id).toBe('ex-2');
      expect(result.deadline).toBe('2026-09-30T00:00:00.000Z');
    });
  });

  describe('policy problems', () => {
    it('lists the problems readTemplatePolicy found among the reasons', () => {
      const { policy, problems } = readTemplatePolicy({
        [MIN]: '2.0.0',
        [BLOCK]: '2026-02-30',
      });
      const result = evaluate({
        version: '1.0.0',
        policy,
        policyProblems: problems,
      });
      expect(result.state).toBe('warn');
      expect(result.reasons).toEqual([
        'version 1.0.0 is below the minimum supported version 2.0.0',
        `policy problem: ${BLOCK} '2026-02-30' is not a calendar date written YYYY-MM-DD; it is ignored`,
      ]);
    });

    it('checks a policy handed to it directly instead of throwing', () => {
      const result = evaluate({
        version: '1.0.0',
        policy: {
          minimumVersion: 'two',
          maxLag: { majors: -1 },
        },
      });
      expect(result.state).toBe('compliant');
      expect(result.reasons).toEqual([
        `version 1.0.0 is 1 major behind 2.1.0; ${TEMPLATE} sets no upgrade policy`,
        "policy problem: policy minimumVersion 'two' is not a semver version (e.g. 1.4.0); it is ignored",
        "policy problem: policy maxLag {\"majors\":-1} is not a lag like '1 major' or '2 minors'; it is ignored",
      ]);
    });
  });
});

describe('latestTemplateVersion', () => {
  it.each([
    [['1.9.0', '1.10.0', '2.0.0-rc.1'], '1.10.0'],
    [['2.0.0-rc.1', '2.0.0-rc.2'], '2.0.0-rc.2'],
    [['main', '1.0.0'], '1.0.0'],
    [[], undefined],
  ])('of %j is %s', (published, latest) => {
    expect(latestTemplateVersion(published)).toBe(latest);
  });
});

describe('worstState', () => {
  it.each([
    [[], 'compliant'],
    [['compliant', 'exempt'], 'exempt'],
    [['exempt', 'unknown', 'compliant'], 'unknown'],
    [['unknown', 'warn'], 'warn'],
    [['warn', 'block', 'compliant'], 'block'],
  ] as [PolicyState[], PolicyState][])('of %j is %s', (states, worst) => {
    expect(worstState(states)).toBe(worst);
  });

  it('agrees with comparePolicyStates', () => {
    expect(comparePolicyStates('block', 'warn')).toBeGreaterThan(0);
    expect(comparePolicyStates('compliant', 'exempt')).toBeLessThan(0);
    expect(comparePolicyStates('warn', 'warn')).toBe(0);
  });
});

describe('gateDecision', () => {
  it.each([
    ['compliant', 'allow'],
    ['exempt', 'allow'],
    ['warn', 'warn'],
    ['block', 'block'],
    ['unknown', 'warn'],
  ] as [PolicyState, string][])('answers %s with %s', (state, decision) => {
    expect(gateDecision({ state, reasons: ['because'] })).toEqual({
      decision,
      reasons: ['because'],
    });
  });

  it('can be told what to answer for unknown', () => {
    const unknown = { state: 'unknown' as const, reasons: ['not scaffolded'] };
    expect(gateDecision(unknown, { unknown: 'block' }).decision).toBe('block');
    expect(gateDecision(unknown, { unknown: 'allow' }).decision).toBe('allow');
    expect(
      gateDecision({ state: 'warn', reasons: [] }, { unknown: 'allow' })
        .decision,
    ).toBe('warn');
  });
});

describe('evaluateTemplatePolicy over time (seeded, property-style)', () => {
  // mulberry32: a tiny deterministic generator, so a failure replays exactly.
  function generator(seed: number) {
    let a = seed;
    const next = () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const int = (max: number) => Math.floor(next() * max);
    const chance = (p: number) => next() < p;
    const pick = <T>(items: readonly T[]) => items[int(items.length)];
    return { int, chance, pick };
  }

  const DAY = 24 * 60 * 60 * 1000;
  const START = Date.UTC(2026, 0, 1);

  function randomCase(seed: number) {
    const { int, chance, pick } = generator(seed);
    const version = () =>
      `${int(4)}.${int(4)}.${int(3)}${chance(0.15) ? `-rc.${int(3)}` : ''}`;
    const day = () =>
      new Date(START + int(90) * DAY).toISOString().slice(0, 10);
    // Instants land on a midnight often, since that is where states change.
    const instant = () =>
      START - 5 * DAY + int(100) * DAY + (chance(0.5) ? 0 : int(DAY));

    const annotations: Record<string, string> = {};
    if (chance(0.6)) annotations[MIN] = chance(0.05) ? 'two' : version();
    if (chance(0.5)) annotations[WARN] = chance(0.05) ? '2026-02-30' : day();
    if (chance(0.5)) annotations[BLOCK] = day();
    if (chance(0.4)) {
      annotations[LAG] = pick([
        '0 majors',
        '1 major',
        '2 minors',
        '1 minor',
        'x',
      ]);
    }
    const { policy, problems } = readTemplatePolicy(annotations);
    const exemptions = Array.from({ length: int(3) }, (_, i) =>
      exemption({
        id: `ex-${i}`,
        entityRef: chance(0.8) ? SERVICE : 'component:default/ledger',
        templateRef: chance(0.5) ? undefined : pick([TEMPLATE, 'template:x/y']),
        expiresAt: new Date(instant()).toISOString(),
      }),
    );
    const [t1, t2] = [instant(), instant()].sort((a, b) => a - b);
    const input = (now: number, withExemptions: boolean) => ({
      provenance: {
        entityRef: SERVICE,
        templateRef: chance(0.05) ? undefined : TEMPLATE,
        version: chance(0.1) ? pick([undefined, 'latest']) : version(),
      },
      publishedVersions: chance(0.05)
        ? []
        : Array.from({ length: 1 + int(8) }, version),
      policy,
      policyProblems: problems,
      exemptions: withExemptions ? exemptions : [],
      now: new Date(now),
    });
    return { input, t1, t2 };
  }

  it.each([
    ['without exemptions', false],
    ['with exemptions', true],
  ])(
    'never gets better as now moves forward, and gets worse exactly at the deadline (%s)',
    (_, withExemptions) => {
      const violations: string[] = [];
      for (let seed = 1; seed <= 3000; seed += 1) {
        const { input, t1, t2 } = randomCase(seed);
        // Provenance and versions are drawn once, so both instants see the same service.
        const base = input(t1, withExemptions);
        const at = (now: number) =>
          evaluateTemplatePolicy({ ...base, now: new Date(now) });
        const [first, later] = [at(t1), at(t2)];
        const broken = (rule: string) =>
          violations.push(
            `seed ${seed}, ${rule}: ${JSON.stringify({
              t1,
              t2,
              first,
              later,
            })}`,
          );

        if (first.reasons.length === 0) broken('no reason');
        const change = comparePolicyStates(later.state, first.state);
        if (change < 0) broken('got better');
        if (change > 0 && !(t2 >= Date.parse(first.deadline ?? 'never'))) {
          broken('got worse before the deadline');
        }
        if (first.deadline !== undefined) {
          const deadline = Date.parse(first.deadline);
          if (!(deadline > t1)) broken('deadline not in the future');
          if (at(deadline - 1).state !== first.state) {
            broken('changed before the deadline');
          }
          if (comparePolicyStates(at(deadline).state, first.state) <= 0) {
            broken('did not get worse at the deadline');
          }
        }
      }
      expect(violations).toEqual([]);
    },
  );
});
