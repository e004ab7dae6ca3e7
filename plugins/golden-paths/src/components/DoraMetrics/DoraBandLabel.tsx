import { DoraBand } from '@paved/backstage-plugin-golden-paths-common';
import { makeStyles } from '@material-ui/core/styles';
import { bandLabel } from './doraMetricViews';

const useStyles = makeStyles(theme => ({
  label: {
    display: 'inline-block',
    padding: theme.spacing(0, 1),
    borderRadius: theme.shape.borderRadius,
    fontSize: theme.typography.caption.fontSize,
    fontWeight: theme.typography.fontWeightBold as number,
    lineHeight: 1.8,
    whiteSpace: 'nowrap',
    color: theme.palette.common.white,
  },
  elite: { backgroundColor: theme.palette.success.dark },
  high: { backgroundColor: theme.palette.success.main },
  medium: { backgroundColor: theme.palette.warning.dark },
  low: { backgroundColor: theme.palette.error.main },
  unknown: {
    backgroundColor: theme.palette.grey[300],
    color: theme.palette.common.black,
  },
}));

/**
 * A DORA band as a labelled badge: the word carries the meaning, the colour
 * only repeats it.
 */
export function DoraBandLabel(props: { band: DoraBand }) {
  const classes = useStyles();
  return (
    <span
      className={`${classes.label} ${classes[props.band] ?? classes.unknown}`}
      data-band={props.band}
    >
      {bandLabel(props.band)}
    </span>
  );
}
