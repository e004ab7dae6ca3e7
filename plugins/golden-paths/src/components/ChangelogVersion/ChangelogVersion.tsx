import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { GoldenPathTemplateVersion } from '../../api';

/**
 * One version's changelog entry: the version, its date, a Breaking mark, and
 * its changes as a list. The entity card and the Templates tab both show it.
 */
export function ChangelogVersion(props: {
  version: GoldenPathTemplateVersion;
}) {
  const { version, changelog, breaking } = props.version;
  return (
    <>
      <Typography variant="body2" component="div">
        <strong>{version}</strong>
        {changelog?.date && ` (${changelog.date})`}{' '}
        {(breaking || changelog?.breaking) && (
          <Chip label="Breaking" size="small" color="secondary" />
        )}
      </Typography>
      <Box component="ul" m={0} pl={2}>
        {changelog?.changes.map(change => (
          <Typography key={change} component="li" variant="body2">
            {change}
          </Typography>
        ))}
      </Box>
    </>
  );
}
