export { EntityGoldenPathContent } from './EntityGoldenPathContent';
