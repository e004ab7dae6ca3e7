/**
 * The golden-paths plugin for Backstage's new frontend system: install it by
 * adding this module's default export to `createApp({ features })`.
 *
 * @packageDocumentation
 */

export { goldenPathsPlugin as default } from './plugin';
