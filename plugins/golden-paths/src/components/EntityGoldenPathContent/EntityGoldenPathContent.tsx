import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import { DoraTrendCharts } from './DoraTrendCharts';
import { DriftFileList } from './DriftFileList';
import { EnvironmentProgressionCard } from './EnvironmentProgressionCard';

/**
 * The "Golden path" entity tab: DORA trends over 90 days, which version
 * runs in each environment, and every file's drift from the template.
 *
 * @public
 */
export function EntityGoldenPathContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <DoraTrendCharts entityRef={entityRef} />
      </Grid>
      <Grid item xs={12}>
        <EnvironmentProgressionCard entityRef={entityRef} />
      </Grid>
      <Grid item xs={12}>
        <DriftFileList entityRef={entityRef} />
      </Grid>
    </Grid>
  );
}
