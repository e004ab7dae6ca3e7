export { ChangelogVersion } from './ChangelogVersion';
