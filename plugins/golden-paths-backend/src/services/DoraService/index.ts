export { DoraService, readDoraConfig } from './DoraService';
export type { DoraConfig, DoraIngestSummary, DoraScope } from './DoraService';
