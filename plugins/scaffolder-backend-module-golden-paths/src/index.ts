/**
 * Scaffolder actions for Paved golden paths: record a new service's
 * provenance (template ref, version, answers and file hashes).
 *
 * @packageDocumentation
 */

export { scaffolderModuleGoldenPaths as default } from './module';
export {
  createStampProvenanceAction,
  STAMP_PROVENANCE_ACTION_ID,
} from './actions/stamp';
