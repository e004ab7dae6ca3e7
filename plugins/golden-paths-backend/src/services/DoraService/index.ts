export { DoraService } from './DoraService';
export type {
  DoraIngestSummary,
  TemplateVersionDoraMetrics,
} from './DoraService';
