import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  mark: {
    color: '#7df3e1',
    fontSize: 28,
    fontWeight: 700,
    letterSpacing: 1,
    lineHeight: '30px',
  },
});

/** The Paved mark: the word when the sidebar is open, its initial when not. */
export const PavedMark = (props: { short?: boolean }) => {
  const classes = useStyles();
  return <span className={classes.mark}>{props.short ? 'P' : 'Paved'}</span>;
};

/** The Paved word mark for the open sidebar. */
export const LogoFull = () => <PavedMark />;
