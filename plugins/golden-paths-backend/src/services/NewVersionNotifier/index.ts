export { NewVersionNotifier } from './NewVersionNotifier';
export type { TemplateRelease } from './NewVersionNotifier';
