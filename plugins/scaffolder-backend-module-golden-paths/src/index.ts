/**
 * Scaffolder actions for Paved golden paths: record a new service's
 * provenance (template ref, version, answers and file hashes), check it
 * against platform policy, and publish to local git repositories so a portal
 * runs offline.
 *
 * @packageDocumentation
 */

export { scaffolderModuleGoldenPaths as default } from './module';
export {
  createStampProvenanceAction,
  STAMP_PROVENANCE_ACTION_ID,
  stampCatalogInfo,
  stampWorkspace,
} from './actions/stamp';
export {
  createPolicyCheckAction,
  DEFAULT_SERVICE_NAME_PATTERN,
  POLICY_CHECK_ACTION_ID,
} from './actions/policyCheck';
export type { PolicyRuleId } from './actions/policyCheck';
export {
  createLocalGitActions,
  createLocalGitBranchAction,
  createLocalGitFetchAction,
  createLocalGitPublishAction,
  LOCAL_GIT_BRANCH_ACTION_ID,
  LOCAL_GIT_FETCH_ACTION_ID,
  LOCAL_GIT_PUBLISH_ACTION_ID,
} from './actions/localGit';
export type { LocalGitActionOptions } from './actions/localGit';
export {
  assertBranchName,
  assertRepoName,
  commitAll,
  createLocalRepo,
  exportBranch,
  isLocalRepo,
  LOCAL_GIT_DEFAULT_ROOT,
  localRepoPath,
  localRepoUrl,
  proposeLocalBranch,
  readLocalGitRoot,
  resolveBranch,
} from './actions/localGitRepo';
export type { LocalRepo } from './actions/localGitRepo';
export {
  createTemplateUpgradeAction,
  TEMPLATE_UPGRADE_ACTION_ID,
} from './actions/upgrade';
export {
  chainRenames,
  fetchPublishedVersions,
  readVersionManifest,
} from './actions/upgradeTemplate';
export type {
  PublishedVersions,
  TemplateVersionManifest,
} from './actions/upgradeTemplate';
export { renderSkeleton } from './render/renderSkeleton';
export type { RenderedSkeleton } from './render/renderSkeleton';
