import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import useAsync from 'react-use/esm/useAsync';
import { goldenPathsApiRef } from '../../api';
import { ChartFigure } from '../charts';
import { POLICY_STATES, POLICY_STATE_LABELS } from './policyStates';

/** A team's services per state, day by day, from the compliance history. */
export function TeamTrendChart(props: { owner: string; ownerName: string }) {
  const goldenPathsApi = useApi(goldenPathsApiRef);
  const theme = useTheme();
  const { value, loading, error } = useAsync(
    () => goldenPathsApi.getComplianceHistory({ owner: props.owner }),
    [goldenPathsApi, props.owner],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value?.items.length) {
    return (
      <Typography variant="body2">
        No history yet: the backend records each day's counts when it sweeps the
        catalog.
      </Typography>
    );
  }
  const colours = {
    compliant: theme.palette.success.main,
    warn: theme.palette.warning.main,
    block: theme.palette.error.main,
    exempt: theme.palette.info.main,
    unknown: theme.palette.grey[500],
  };
  return (
    <ChartFigure
      title={`Trend of ${props.ownerName}, ${value.from} to ${value.to}`}
      description="services per policy state, day by day"
      table={{
        columns: ['Day', ...POLICY_STATES.map(s => POLICY_STATE_LABELS[s])],
        rows: value.items.map(d => [d.day, ...POLICY_STATES.map(s => d[s])]),
      }}
    >
      <ResponsiveContainer width="100%" height={220}>
        <AreaChart data={value.items}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="day" tick={{ fontSize: 11 }} />
          <YAxis allowDecimals={false} width={32} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Legend />
          {POLICY_STATES.map(s => (
            <Area
              key={s}
              type="stepAfter"
              dataKey={s}
              name={POLICY_STATE_LABELS[s]}
              stackId="states"
              stroke={colours[s]}
              fill={colours[s]}
              isAnimationActive={false}
            />
          ))}
        </AreaChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}
