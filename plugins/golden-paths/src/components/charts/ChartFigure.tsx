import { ReactNode } from 'react';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  figure: { margin: 0, marginBottom: theme.spacing(2) },
  // Read by screen readers, not shown: the chart's data as a table.
  visuallyHidden: {
    position: 'absolute',
    width: 1,
    height: 1,
    padding: 0,
    margin: -1,
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
    border: 0,
  },
}));

/** The data behind a chart, as rows of a table. */
export type ChartTable = {
  columns: string[];
  rows: Array<Array<string | number>>;
};

/**
 * A chart with a visible title, an accessible name, and its data as a table
 * for screen readers, since an SVG chart says nothing to them.
 */
export function ChartFigure(props: {
  title: string;
  /** What the chart shows, in one sentence; the chart's accessible name. */
  description?: string;
  table: ChartTable;
  children: ReactNode;
}) {
  const classes = useStyles();
  const label = props.description
    ? `${props.title}: ${props.description}`
    : props.title;
  return (
    <figure className={classes.figure}>
      <Typography variant="subtitle2" component="figcaption">
        {props.title}
      </Typography>
      <div role="img" aria-label={label}>
        {props.children}
      </div>
      <table className={classes.visuallyHidden}>
        <caption>{props.title}</caption>
        <thead>
          <tr>
            {props.table.columns.map(c => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.table.rows.map((row, i) => (
            <tr key={i}>
              {row.map((cell, j) => (
                <td key={j}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
