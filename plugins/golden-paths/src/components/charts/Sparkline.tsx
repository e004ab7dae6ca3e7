import { Line, LineChart, YAxis } from 'recharts';
import { useTheme } from '@material-ui/core/styles';

/**
 * A tiny line without axes for a table cell. Its accessible name lists the
 * values, so the trend is not only a shape.
 */
export function Sparkline(props: {
  /** Oldest first; `undefined` for a bucket without a value. */
  values: Array<number | undefined>;
  /** e.g. `Deployment frequency per week`. */
  label: string;
  format?: (value: number) => string;
  width?: number;
  height?: number;
}) {
  const theme = useTheme();
  const { values, label, width = 96, height = 28 } = props;
  const format = props.format ?? String;
  const data = values.map((value, index) => ({ index, value: value ?? null }));
  const spoken = values
    .map(v => (v === undefined ? 'no data' : format(v)))
    .join(', ');
  return (
    <span role="img" aria-label={`${label}: ${spoken}`} title={spoken}>
      <LineChart width={width} height={height} data={data}>
        <YAxis hide domain={['dataMin', 'dataMax']} />
        <Line
          type="monotone"
          dataKey="value"
          stroke={theme.palette.primary.main}
          strokeWidth={2}
          dot={false}
          connectNulls
          isAnimationActive={false}
        />
      </LineChart>
    </span>
  );
}
