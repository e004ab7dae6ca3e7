import { useMemo, useState } from 'react';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { PolicyState } from '@paved/backstage-plugin-golden-paths-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { ComplianceSummaryItem, goldenPathsApiRef } from '../../api';
import { downloadCsv, toCsv } from './csv';
import { POLICY_STATES, POLICY_STATE_LABELS } from './policyStates';
import { PolicyStateSelect } from './PolicyStateSelect';
import { StateBar } from './StateBar';
import { TeamServices } from './TeamServices';
import { TeamTrendChart } from './TeamTrendChart';

type SortKey = 'name' | 'total' | PolicyState;

/** A team's name as people say it: `team-payments`, not the full ref. */
export function ownerName(owner: string): string {
  if (!owner) return 'No owner';
  try {
    return parseEntityRef(owner).name;
  } catch {
    return owner;
  }
}

/** The CSV of the rollup, one row per team. */
export function rollupCsv(items: ComplianceSummaryItem[]): string {
  return toCsv(
    ['owner', ...POLICY_STATES, 'total'],
    items.map(i => [i.owner ?? '', ...POLICY_STATES.map(s => i[s]), i.total]),
  );
}

function sortTeams(items: ComplianceSummaryItem[], key: SortKey) {
  const byName = (a: ComplianceSummaryItem, b: ComplianceSummaryItem) =>
    ownerName(a.owner ?? '').localeCompare(ownerName(b.owner ?? ''), 'en-US');
  if (key === 'name') return [...items].sort(byName);
  return [...items].sort((a, b) => b[key] - a[key] || byName(a, b));
}

/**
 * Per team: services per policy state, a filter, a sort, the CSV export, and
 * a drill-down into one team's trend and services (`?team=` deep-links it).
 */
export function TeamsTab() {
  const goldenPathsApi = useApi(goldenPathsApiRef);
  const [searchParams, setSearchParams] = useSearchParams();
  const [text, setText] = useState('');
  const [state, setState] = useState<PolicyState | ''>('');
  const [sort, setSort] = useState<SortKey>('total');
  const selected = searchParams.get('team') ?? undefined;
  const { value, loading, error } = useAsync(
    () => goldenPathsApi.getComplianceSummary({ groupBy: 'owner' }),
    [goldenPathsApi],
  );

  const shown = useMemo(() => {
    const query = text.trim().toLocaleLowerCase('en-US');
    const items = (value?.items ?? []).filter(
      i =>
        (!query ||
          (i.owner ?? '').toLocaleLowerCase('en-US').includes(query)) &&
        (!state || i[state] > 0),
    );
    return sortTeams(items, sort);
  }, [value, text, state, sort]);

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value?.items.length) {
    return (
      <EmptyState
        missing="data"
        title="No services evaluated yet"
        description="Teams appear here once the backend has swept the catalog and evaluated their services against their golden-path templates."
      />
    );
  }

  const select = (owner: string | undefined) => {
    const next = new URLSearchParams(searchParams);
    if (owner) next.set('team', owner);
    else next.delete('team');
    setSearchParams(next);
  };

  return (
    <>
      <InfoCard title="Teams">
        <Box
          display="flex"
          flexWrap="wrap"
          alignItems="center"
          mb={2}
          style={{ gap: 16 }}
        >
          <TextField
            id="golden-paths-teams-filter"
            label="Filter teams"
            value={text}
            onChange={e => setText(e.target.value)}
            size="small"
          />
          <PolicyStateSelect
            id="golden-paths-teams-state"
            label="With services in state"
            value={state}
            onChange={setState}
          />
          <TextField
            select
            id="golden-paths-teams-sort"
            label="Sort by"
            value={sort}
            onChange={e => setSort(e.target.value as SortKey)}
            SelectProps={{ native: true }}
            InputLabelProps={{ shrink: true }}
            size="small"
          >
            <option value="total">Most services</option>
            {POLICY_STATES.map(s => (
              <option key={s} value={s}>
                Most {POLICY_STATE_LABELS[s].toLocaleLowerCase('en-US')}
              </option>
            ))}
            <option value="name">Name</option>
          </TextField>
          <Button
            variant="outlined"
            onClick={() =>
              downloadCsv('golden-paths-teams.csv', rollupCsv(shown))
            }
          >
            Export teams as CSV
          </Button>
        </Box>
        <Table size="small" aria-label="Services per team and policy state">
          <TableHead>
            <TableRow>
              {[
                'Team',
                ...POLICY_STATES.map(s => POLICY_STATE_LABELS[s]),
                'Total',
                'Distribution',
                '',
              ].map(h => (
                <TableCell key={h} component="th" scope="col">
                  {h}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {shown.length === 0 && (
              <TableRow>
                <TableCell colSpan={9}>No team matches the filter.</TableCell>
              </TableRow>
            )}
            {shown.map(item => {
              const owner = item.owner ?? '';
              return (
                <TableRow
                  key={owner}
                  selected={owner === selected}
                  data-testid={`team-${ownerName(owner)}`}
                >
                  <TableCell component="th" scope="row">
                    {owner ? (
                      <EntityRefLink entityRef={owner} defaultKind="group" />
                    ) : (
                      'No owner'
                    )}
                  </TableCell>
                  {POLICY_STATES.map(s => (
                    <TableCell key={s}>{item[s]}</TableCell>
                  ))}
                  <TableCell>{item.total}</TableCell>
                  <TableCell>
                    <StateBar counts={item} total={item.total} />
                  </TableCell>
                  <TableCell>
                    {owner && (
                      <Button
                        size="small"
                        color="primary"
                        aria-pressed={owner === selected}
                        aria-label={`Show services of ${ownerName(owner)}`}
                        onClick={() =>
                          select(owner === selected ? undefined : owner)
                        }
                      >
                        {owner === selected ? 'Hide services' : 'Show services'}
                      </Button>
                    )}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </InfoCard>
      {selected && (
        <Box mt={3}>
          <InfoCard title={`${ownerName(selected)}`}>
            <TeamTrendChart owner={selected} ownerName={ownerName(selected)} />
            <TeamServices owner={selected} ownerName={ownerName(selected)} />
          </InfoCard>
        </Box>
      )}
      <Typography variant="caption" color="textSecondary" component="p">
        Counts are the latest evaluation of every service; history is recorded
        once a day.
      </Typography>
    </>
  );
}
