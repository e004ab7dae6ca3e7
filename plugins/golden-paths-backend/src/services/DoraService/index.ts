export { DoraService, readDoraConfig } from './DoraService';
export type {
  DoraConfig,
  DoraIngestSummary,
  TemplateVersionDoraMetrics,
} from './DoraService';
