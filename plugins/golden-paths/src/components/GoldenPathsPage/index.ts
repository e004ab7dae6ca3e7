export { GoldenPathsPage } from './GoldenPathsPage';
