export { SkeletonArchive, templateBaseUrl } from './SkeletonArchive';
