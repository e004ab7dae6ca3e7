export { DoraBandLabel } from './DoraBandLabel';
export {
  DORA_METRIC_VIEWS,
  bandLabel,
  describeSample,
  formatHours,
  formatRate,
  hasNoEvents,
  sampleOf,
} from './doraMetricViews';
export type { DoraMetricKey, DoraMetricView } from './doraMetricViews';
export { NoDoraEvents } from './NoDoraEvents';
