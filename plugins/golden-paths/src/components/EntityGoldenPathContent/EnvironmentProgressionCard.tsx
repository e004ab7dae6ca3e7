import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import {
  EnvironmentDeployment,
  VersionPromotion,
  goldenPathsApiRef,
} from '../../api';

function formatTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms)
    ? iso
    : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const environmentColumns: TableColumn<EnvironmentDeployment>[] = [
  { title: 'Environment', field: 'name', highlight: true },
  { title: 'Version', render: e => e.version ?? 'not reported' },
  { title: 'Deployed', render: e => formatTime(e.deployedAt) },
  { title: 'Production', render: e => (e.production ? 'Yes' : 'No') },
];

const promotionColumns: TableColumn<VersionPromotion>[] = [
  { title: 'Version', field: 'version', highlight: true },
  {
    title: 'Promotion',
    render: p =>
      p.steps
        .map(step => `${step.environment} (${formatTime(step.at)})`)
        .join(' → '),
  },
];

/** Which version runs in each environment now, and how versions got there. */
export function EnvironmentProgressionCard(props: { entityRef: string }) {
  const goldenPathsApi = useApi(goldenPathsApiRef);
  const { value, loading, error } = useAsync(
    () => goldenPathsApi.getEnvironments(props.entityRef),
    [goldenPathsApi, props.entityRef],
  );

  if (loading || error || !value?.environments.length) {
    return (
      <InfoCard title="Environments">
        {loading && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {!loading && !error && (
          <Typography variant="body2">
            No deployment has been reported for this service yet, so there is no
            environment to show. Deployment events name their environment and
            version.
          </Typography>
        )}
      </InfoCard>
    );
  }
  return (
    <>
      <Table<EnvironmentDeployment>
        title="Environments"
        subtitle="The version each environment runs now"
        options={{ paging: false, search: false, padding: 'dense' }}
        columns={environmentColumns}
        data={value.environments.map(e => ({ ...e }))}
      />
      <Table<VersionPromotion>
        title="Promotion history"
        subtitle="Newest version first"
        options={{
          paging: value.promotions.length > 10,
          pageSize: 10,
          search: false,
          padding: 'dense',
        }}
        columns={promotionColumns}
        data={value.promotions.map(p => ({ ...p }))}
        emptyContent={
          <Typography variant="body2" style={{ padding: 16 }}>
            No promotion recorded yet.
          </Typography>
        }
      />
    </>
  );
}
