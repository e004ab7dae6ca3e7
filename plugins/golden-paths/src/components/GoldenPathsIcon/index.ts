export { GoldenPathsIcon } from './GoldenPathsIcon';
