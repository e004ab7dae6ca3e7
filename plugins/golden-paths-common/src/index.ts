/**
 * Types, annotation keys, permissions and pure logic shared by the Paved
 * golden-paths plugins. Nothing in here does I/O.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './dora';
export * from './drift';
export * from './lock';
export * from './merge';
export * from './permissions';
export * from './policy';
export * from './semver';
export * from './templates';
export * from './types';
export * from './upgrade';
export type {
  components as GoldenPathsApiComponents,
  operations as GoldenPathsApiOperations,
  paths as GoldenPathsApiPaths,
} from './generated/openapi';
