import { useState } from 'react';
import {
  Progress,
  ResponseErrorPanel,
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { PolicyState } from '@paved/backstage-plugin-golden-paths-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import {
  ComplianceEvaluation,
  GoldenPathsApi,
  goldenPathsApiRef,
} from '../../api';
import { downloadCsv, toCsv } from './csv';
import { POLICY_STATE_LABELS } from './policyStates';
import { PolicyStateSelect } from './PolicyStateSelect';

const PAGE_SIZES = [10, 25, 50];
/** The backend's largest page. */
const EXPORT_PAGE = 500;

function StateStatus(props: { state: PolicyState }) {
  const label = POLICY_STATE_LABELS[props.state];
  switch (props.state) {
    case 'compliant':
      return <StatusOK>{label}</StatusOK>;
    case 'warn':
      return <StatusWarning>{label}</StatusWarning>;
    case 'block':
      return <StatusError>{label}</StatusError>;
    case 'exempt':
      return <StatusPending>{label}</StatusPending>;
    default:
      return <StatusAborted>{label}</StatusAborted>;
  }
}

function deadlineDay(e: ComplianceEvaluation): string {
  return e.deadline ? e.deadline.slice(0, 10) : '';
}

/** Every page of the filter, for the export. */
async function listAll(
  api: GoldenPathsApi,
  owner: string,
  state?: PolicyState,
): Promise<ComplianceEvaluation[]> {
  const all: ComplianceEvaluation[] = [];
  for (let offset = 0; ; offset += EXPORT_PAGE) {
    const page = await api.listCompliance({
      owner,
      state,
      limit: EXPORT_PAGE,
      offset,
    });
    all.push(...page.items);
    if (page.items.length === 0 || all.length >= page.totalCount) return all;
  }
}

/** The CSV of a team's services. */
export function servicesCsv(items: ComplianceEvaluation[]): string {
  return toCsv(
    [
      'service',
      'owner',
      'state',
      'template',
      'version',
      'latest version',
      'deadline',
      'reasons',
    ],
    items.map(e => [
      e.entityRef,
      e.owner,
      e.state,
      e.templateRef,
      e.currentVersion,
      e.latestVersion,
      deadlineDay(e),
      e.reasons.join('; '),
    ]),
  );
}

/** One team's services, a page at a time, filterable by state and exportable. */
export function TeamServices(props: { owner: string; ownerName: string }) {
  const goldenPathsApi = useApi(goldenPathsApiRef);
  const { owner } = props;
  const [state, setState] = useState<PolicyState | ''>('');
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(PAGE_SIZES[0]);
  const [exportError, setExportError] = useState<Error>();
  const { value, loading, error } = useAsync(
    () =>
      goldenPathsApi.listCompliance({
        owner,
        state: state || undefined,
        limit: pageSize,
        offset: page * pageSize,
      }),
    [goldenPathsApi, owner, state, page, pageSize],
  );

  const exportCsv = async () => {
    setExportError(undefined);
    try {
      const items = await listAll(goldenPathsApi, owner, state || undefined);
      const name = owner
        .replace(/^group:(default\/)?/, '')
        .replace(/\W+/g, '-');
      downloadCsv(`${name}-services.csv`, servicesCsv(items));
    } catch (e) {
      setExportError(e as Error);
    }
  };

  return (
    <Box mt={2}>
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 16 }}
      >
        <Typography variant="h6" component="h3">
          Services of {props.ownerName}
        </Typography>
        <PolicyStateSelect
          id="golden-paths-services-state"
          label="State"
          value={state}
          onChange={next => {
            setState(next);
            setPage(0);
          }}
        />
        <Button variant="outlined" onClick={exportCsv}>
          Export services as CSV
        </Button>
      </Box>
      {exportError && <ResponseErrorPanel error={exportError} />}
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && !loading && (
        <>
          <Table size="small" aria-label={`Services of ${props.ownerName}`}>
            <TableHead>
              <TableRow>
                {[
                  'Service',
                  'State',
                  'Version',
                  'Latest',
                  'Template',
                  'Deadline',
                ].map(h => (
                  <TableCell key={h} component="th" scope="col">
                    {h}
                  </TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {value.items.length === 0 && (
                <TableRow>
                  <TableCell colSpan={6}>No service matches.</TableCell>
                </TableRow>
              )}
              {value.items.map(e => (
                <TableRow key={e.entityRef}>
                  <TableCell component="th" scope="row">
                    <EntityRefLink entityRef={e.entityRef} />
                  </TableCell>
                  <TableCell>
                    <StateStatus state={e.state} />
                  </TableCell>
                  <TableCell>{e.currentVersion ?? '—'}</TableCell>
                  <TableCell>{e.latestVersion ?? '—'}</TableCell>
                  <TableCell>
                    {e.templateRef ? (
                      <EntityRefLink entityRef={e.templateRef} />
                    ) : (
                      'Not on a golden path'
                    )}
                  </TableCell>
                  <TableCell>{deadlineDay(e) || '—'}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <TablePagination
            component="div"
            count={value.totalCount}
            page={page}
            rowsPerPage={pageSize}
            rowsPerPageOptions={PAGE_SIZES}
            onPageChange={(_e, p) => setPage(p)}
            onRowsPerPageChange={e => {
              setPageSize(Number(e.target.value));
              setPage(0);
            }}
          />
        </>
      )}
    </Box>
  );
}
