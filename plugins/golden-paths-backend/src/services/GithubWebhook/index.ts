export {
  GithubWebhookReceiver,
  readGithubWebhookConfig,
  verifyGithubSignature,
} from './GithubWebhookReceiver';
export type {
  GithubWebhookConfig,
  GithubWebhookResult,
} from './GithubWebhookReceiver';
export { readGithubEvent } from './githubEvents';
