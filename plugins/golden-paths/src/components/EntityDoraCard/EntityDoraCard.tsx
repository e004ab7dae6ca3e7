import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { DoraMetrics } from '@paved/backstage-plugin-golden-paths-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { DoraTrend, goldenPathsApiRef } from '../../api';
import { Sparkline } from '../charts';
import {
  DORA_METRIC_VIEWS,
  DoraBandLabel,
  NoDoraEvents,
  describeSample,
  hasNoEvents,
} from '../DoraMetrics';

/** One bucket per week across the card's window. */
const TREND_BUCKET_DAYS = 7;

function windowDays(metrics: DoraMetrics): number {
  const ms = Date.parse(metrics.window.to) - Date.parse(metrics.window.from);
  return Math.max(1, Math.round(ms / 86_400_000));
}

function DoraTable(props: { metrics: DoraMetrics; trend?: DoraTrend }) {
  const { metrics, trend } = props;
  return (
    <Table size="small" aria-label="DORA metrics">
      <TableHead>
        <TableRow>
          <TableCell component="th" scope="col">
            Metric
          </TableCell>
          <TableCell component="th" scope="col">
            Value
          </TableCell>
          <TableCell component="th" scope="col">
            Band
          </TableCell>
          <TableCell component="th" scope="col">
            Sample
          </TableCell>
          <TableCell component="th" scope="col">
            Trend
          </TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {DORA_METRIC_VIEWS.map(view => {
          const sample = metrics[view.key];
          return (
            <TableRow key={view.key} data-testid={`dora-${view.key}`}>
              <TableCell component="th" scope="row">
                {view.title}
              </TableCell>
              <TableCell>
                {/* Too small a sample reads as unknown, never as a zero. */}
                {sample.enoughData ? view.describe(metrics) : 'Not enough data'}
              </TableCell>
              <TableCell>
                <DoraBandLabel band={sample.band} />
              </TableCell>
              <TableCell>{describeSample(view, sample.sample)}</TableCell>
              <TableCell>
                {trend && trend.buckets.length > 1 ? (
                  <Sparkline
                    label={`${view.title}, ${view.unit}, per ${trend.bucketDays} days`}
                    format={v => String(Math.round(v * 100) / 100)}
                    values={trend.buckets.map(b =>
                      b.metrics[view.key].sample > 0
                        ? view.value(b.metrics)
                        : undefined,
                    )}
                  />
                ) : (
                  '—'
                )}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

function DoraDetails() {
  const { entity } = useEntity();
  const goldenPathsApi = useApi(goldenPathsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error } = useAsync(async () => {
    const { metrics } = await goldenPathsApi.getDora({ entityRef });
    // The sparklines are extra: without a trend the card still shows the metrics.
    const trend = await goldenPathsApi
      .getDoraTrend({
        entityRef,
        from: metrics.window.from,
        to: metrics.window.to,
        bucketDays: TREND_BUCKET_DAYS,
      })
      .catch(() => undefined);
    return { metrics, trend };
  }, [goldenPathsApi, entityRef]);

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!value) {
    return null;
  }
  if (hasNoEvents(value.metrics)) {
    return <NoDoraEvents entityRef={entityRef} />;
  }
  return (
    <>
      <Typography variant="body2" color="textSecondary">
        Last {windowDays(value.metrics)} days, production deployments
      </Typography>
      <DoraTable metrics={value.metrics} trend={value.trend} />
    </>
  );
}

/**
 * Entity overview card: the service's five DORA metrics over the last 30
 * days, each with its band, sample size and weekly trend.
 *
 * @public
 */
export function EntityDoraCard() {
  return (
    <InfoCard title="Delivery (DORA)">
      <DoraDetails />
    </InfoCard>
  );
}
