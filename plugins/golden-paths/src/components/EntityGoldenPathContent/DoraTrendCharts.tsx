import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import useAsync from 'react-use/esm/useAsync';
import { DoraTrend, goldenPathsApiRef } from '../../api';
import { ChartFigure } from '../charts';
import {
  DORA_METRIC_VIEWS,
  DoraMetricView,
  NoDoraEvents,
  bandLabel,
  hasNoEvents,
} from '../DoraMetrics';

const DAY_MS = 86_400_000;
/** The tab looks back 90 days, in weekly buckets. */
export const TREND_DAYS = 90;
const BUCKET_DAYS = 7;

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function MetricTrendChart(props: { trend: DoraTrend; view: DoraMetricView }) {
  const { trend, view } = props;
  const theme = useTheme();
  const data = trend.buckets.map(b => ({
    week: b.window.from.slice(0, 10),
    value:
      b.metrics[view.key].sample > 0 ? view.value(b.metrics) ?? null : null,
    band: bandLabel(b.metrics[view.key].band),
    sample: b.metrics[view.key].sample,
  }));
  return (
    <ChartFigure
      title={view.title}
      description={`${view.unit}, one point per ${trend.bucketDays} days`}
      table={{
        columns: ['Week from', view.unit, 'Band', 'Sample'],
        rows: data.map(d => [
          d.week,
          d.value === null ? 'no data' : d.value,
          d.band,
          d.sample,
        ]),
      }}
    >
      <ResponsiveContainer width="100%" height={200}>
        <LineChart
          data={data}
          margin={{ top: 8, right: 16, left: 0, bottom: 0 }}
        >
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="week" tick={{ fontSize: 11 }} />
          <YAxis tick={{ fontSize: 11 }} width={40} />
          <Tooltip />
          <Line
            type="monotone"
            dataKey="value"
            name={view.unit}
            stroke={theme.palette.primary.main}
            strokeWidth={2}
            connectNulls
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}

/** One chart per DORA metric over the last 90 days, a point per week. */
export function DoraTrendCharts(props: { entityRef: string }) {
  const goldenPathsApi = useApi(goldenPathsApiRef);
  const { entityRef } = props;
  const { value, loading, error } = useAsync(() => {
    // Whole UTC days, so the weekly buckets do not move within a day.
    const to = Date.parse(utcDay(Date.now())) + DAY_MS;
    return goldenPathsApi.getDoraTrend({
      entityRef,
      from: utcDay(to - TREND_DAYS * DAY_MS),
      to: utcDay(to),
      bucketDays: BUCKET_DAYS,
    });
  }, [goldenPathsApi, entityRef]);

  let content;
  if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (!value || value.buckets.every(b => hasNoEvents(b.metrics))) {
    content = <NoDoraEvents entityRef={entityRef} />;
  } else {
    content = (
      <Grid container spacing={2}>
        {DORA_METRIC_VIEWS.map(view => (
          <Grid item xs={12} md={6} key={view.key}>
            <MetricTrendChart trend={value} view={view} />
          </Grid>
        ))}
      </Grid>
    );
  }
  return (
    <InfoCard title="Delivery over time (DORA)">
      <Typography variant="body2" color="textSecondary" paragraph>
        Last {TREND_DAYS} days, one point per week; weeks without a sample have
        no point.
      </Typography>
      {content}
    </InfoCard>
  );
}
