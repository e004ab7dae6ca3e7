export { DriftService, repositoryUrlOf } from './DriftService';
export type { DriftOutcome, LatestRenderCache } from './DriftService';
