import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  text: {
    color: '#7df3e1',
    fontSize: 28,
    fontWeight: 700,
    lineHeight: '28px',
  },
});

/** The Paved mark for the collapsed sidebar. */
export const LogoIcon = () => {
  const classes = useStyles();
  return <span className={classes.text}>P</span>;
};
