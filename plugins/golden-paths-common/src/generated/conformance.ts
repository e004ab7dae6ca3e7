/**
 * Compile-time checks that the hand-written wire types in this package and
 * the types generated from the backend's OpenAPI spec (./openapi.ts, by
 * `yarn generate:openapi`) describe the same JSON. `yarn tsc` fails when
 * either drifts. Nothing here runs.
 */
import type { components, operations } from './openapi';
import type {
  ComplianceEvaluation,
  TemplateSummary,
  TemplateVersion,
} from '../types';
import type {
  DoraByTemplateVersion,
  DoraServicesMetrics,
  DoraTrend,
  DoraWindow,
} from '../dora';
import type { EnvironmentProgression } from '../doraProgression';

type Schemas = components['schemas'];
/** The JSON body of an operation's 200 answer. */
type Ok<Op extends keyof operations> = operations[Op]['responses'] extends {
  200: { content: { 'application/json': infer Body } };
}
  ? Body
  : never;

type Registered<T> = T & { breaking: boolean };
type Routed<T> = T & { entityRef: string };

/** True when every A is a B. */
type Fits<A, B> = [A] extends [B] ? true : false;
type Check<T extends true> = T;

/** What the backend sends fits the spec, and what the spec allows fits the client. */
export type WireTypeChecks = [
  Check<Fits<ComplianceEvaluation, Schemas['StoredEvaluation']>>,
  // The registry always says whether a version is breaking.
  Check<Fits<Registered<TemplateVersion>, Schemas['TemplateVersion']>>,
  Check<
    Fits<
      Omit<TemplateSummary, 'versions'> & {
        versions: Registered<TemplateVersion>[];
      },
      Schemas['TemplateSummary']
    >
  >,
  Check<Fits<DoraWindow, Schemas['DoraWindow']>>,
  // GET /dora answers one of two shapes, both within the one spec'd object.
  Check<Fits<DoraServicesMetrics, Ok<'GetDoraMetrics'>>>,
  Check<Fits<DoraByTemplateVersion, Ok<'GetDoraMetrics'>>>,
  Check<Fits<DoraTrend, Ok<'GetDoraTrend'>>>,
  Check<Fits<Schemas['DoraWindow'], DoraWindow>>,
  // The route adds the entity ref to what environmentProgression computes.
  Check<Fits<Routed<EnvironmentProgression>, Ok<'GetEnvironments'>>>,
  Check<Fits<Ok<'GetEnvironments'>, Routed<EnvironmentProgression>>>,
];
