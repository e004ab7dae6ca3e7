/**
 * The Paved golden-paths backend plugin: template version registry, compliance,
 * policy gate, drift and DORA.
 *
 * @packageDocumentation
 */

export { goldenPathsPlugin as default } from './plugin';
export type {
  ObservedTemplateVersion,
  TemplateVersionStore,
} from './database/TemplateVersionStore';
