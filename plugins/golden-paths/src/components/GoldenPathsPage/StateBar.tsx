import { PolicyState } from '@paved/backstage-plugin-golden-paths-common';
import { makeStyles } from '@material-ui/core/styles';
import { PolicyStateCounts } from '../../api';
import { POLICY_STATES, POLICY_STATE_LABELS } from './policyStates';

const useStyles = makeStyles(theme => ({
  bar: {
    display: 'flex',
    width: 160,
    height: 12,
    borderRadius: 2,
    overflow: 'hidden',
    backgroundColor: theme.palette.grey[200],
  },
  compliant: { backgroundColor: theme.palette.success.main },
  warn: { backgroundColor: theme.palette.warning.main },
  block: { backgroundColor: theme.palette.error.main },
  exempt: { backgroundColor: theme.palette.info.main },
  unknown: { backgroundColor: theme.palette.grey[500] },
}));

/**
 * A small stacked bar of services per state. The counts are in the row as
 * text; the bar's accessible name repeats them.
 */
export function StateBar(props: { counts: PolicyStateCounts; total: number }) {
  const classes = useStyles();
  const { counts, total } = props;
  const label = POLICY_STATES.map(
    s => `${counts[s]} ${POLICY_STATE_LABELS[s].toLocaleLowerCase('en-US')}`,
  ).join(', ');
  return (
    <div className={classes.bar} role="img" aria-label={label} title={label}>
      {total > 0 &&
        POLICY_STATES.filter(s => counts[s] > 0).map((s: PolicyState) => (
          <span
            key={s}
            className={classes[s]}
            style={{ width: `${(100 * counts[s]) / total}%` }}
          />
        ))}
    </div>
  );
}
