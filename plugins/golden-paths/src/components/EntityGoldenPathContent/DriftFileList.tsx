import { useState } from 'react';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  DRIFT_STATUSES,
  DriftStatus,
  FileDrift,
} from '@paved/backstage-plugin-golden-paths-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { goldenPathsApiRef } from '../../api';

/** Each drift class in a team lead's words. */
export const DRIFT_STATUS_LABELS: Record<DriftStatus, string> = {
  unchanged: 'Unchanged',
  'changed-by-team': 'Changed by the team',
  'changed-by-template': 'Changed by the template',
  'changed-by-both': 'Changed by both',
  deleted: 'Deleted',
  added: 'Added by the template',
};

const columns: TableColumn<FileDrift>[] = [
  {
    title: 'File',
    field: 'path',
    highlight: true,
    render: f => (
      <>
        <code>{f.path}</code>
        {f.renamedFrom && (
          <Typography variant="body2" color="textSecondary">
            renamed from <code>{f.renamedFrom}</code>
          </Typography>
        )}
      </>
    ),
  },
  { title: 'Drift', render: f => DRIFT_STATUS_LABELS[f.status] },
  { title: 'Ownership', field: 'ownership' },
  {
    title: 'Upgrade risk',
    render: f =>
      [
        f.likelyConflict ? 'Likely conflict' : undefined,
        f.overwrittenOnUpgrade ? 'Team change overwritten' : undefined,
      ]
        .filter(Boolean)
        .join(', ') || 'None',
  },
  { title: 'Why', field: 'reason' },
];

type Filter = DriftStatus | 'all' | 'conflicts';

/** Every file of the service's lock with its drift class, filterable by class. */
export function DriftFileList(props: { entityRef: string }) {
  const goldenPathsApi = useApi(goldenPathsApiRef);
  const [filter, setFilter] = useState<Filter>('all');
  const { value, loading, error } = useAsync(
    () => goldenPathsApi.getCompliance(props.entityRef),
    [goldenPathsApi, props.entityRef],
  );

  const drift = value?.drift;
  if (loading || error || !drift?.files) {
    return (
      <InfoCard title="Drift from the template">
        {loading && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {!loading && !error && (
          <Typography variant="body2">
            No drift report for this service: it was not created from a golden
            path, or its lock file could not be read yet.
          </Typography>
        )}
      </InfoCard>
    );
  }
  const files = drift.files;
  const inFilter = (f: Filter) => (file: FileDrift) =>
    f === 'all' ||
    (f === 'conflicts' ? file.likelyConflict : file.status === f);
  const count = (f: Filter) => files.filter(inFilter(f)).length;
  const shown = files.filter(inFilter(filter));
  const filters: Array<[Filter, string]> = [
    ['all', 'All'],
    ...DRIFT_STATUSES.map(s => [s, DRIFT_STATUS_LABELS[s]] as [Filter, string]),
    ['conflicts', 'Likely conflicts'],
  ];

  return (
    <InfoCard title="Drift from the template" subheader={drift.text}>
      {!drift.comparedWithLatest && (
        <Typography variant="body2" color="textSecondary" paragraph>
          The latest version could not be rendered
          {drift.latestProblem ? ` (${drift.latestProblem})` : ''}, so no file
          shows as changed by the template yet.
        </Typography>
      )}
      <Box
        display="flex"
        flexWrap="wrap"
        mb={2}
        style={{ gap: 8 }}
        role="group"
        aria-label="Filter files by drift"
      >
        {filters.map(([key, label]) => (
          <Button
            key={key}
            size="small"
            variant={filter === key ? 'contained' : 'outlined'}
            color={filter === key ? 'primary' : 'default'}
            aria-pressed={filter === key}
            onClick={() => setFilter(key)}
          >
            {label} ({count(key)})
          </Button>
        ))}
      </Box>
      <Table<FileDrift>
        title={`${shown.length} of ${files.length} files`}
        options={{
          paging: shown.length > 50,
          pageSize: 50,
          search: true,
          padding: 'dense',
        }}
        columns={columns}
        data={shown.map(f => ({ ...f }))}
      />
    </InfoCard>
  );
}
