export { DriftService, repositoryUrlOf } from './DriftService';
export type {
  DriftOutcome,
  LatestRender,
  LatestRenderCache,
} from './DriftService';
