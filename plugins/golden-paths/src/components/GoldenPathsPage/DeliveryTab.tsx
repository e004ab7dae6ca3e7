import { useState } from 'react';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  compareVersions,
  parseVersion,
} from '@paved/backstage-plugin-golden-paths-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import useAsync from 'react-use/esm/useAsync';
import {
  GoldenPathTemplate,
  TemplateVersionDoraMetrics,
  goldenPathsApiRef,
} from '../../api';
import { ChartFigure } from '../charts';
import {
  DORA_METRIC_VIEWS,
  DoraBandLabel,
  DoraMetricView,
  bandLabel,
  describeSample,
} from '../DoraMetrics';

const byVersion = (a: string, b: string) =>
  parseVersion(a) && parseVersion(b)
    ? compareVersions(a, b)
    : a.localeCompare(b);

function templateName(ref: string, templates: GoldenPathTemplate[]): string {
  const t = templates.find(
    x =>
      x.templateRef.toLocaleLowerCase('en-US') ===
      ref.toLocaleLowerCase('en-US'),
  );
  return t?.title ?? ref.replace(/^template:(default\/)?/, '');
}

/** One grouped bar chart: versions along the axis, a bar per template. */
function MetricByVersionChart(props: {
  view: DoraMetricView;
  groups: TemplateVersionDoraMetrics[];
  templates: GoldenPathTemplate[];
}) {
  const { view, groups, templates } = props;
  const theme = useTheme();
  const colours = [
    theme.palette.primary.main,
    theme.palette.secondary.main,
    theme.palette.success.main,
    theme.palette.warning.main,
    theme.palette.info.main,
  ];
  const refs = [...new Set(groups.map(g => g.templateRef))];
  const versions = [...new Set(groups.map(g => g.templateVersion))].sort(
    byVersion,
  );
  const valueOf = (g: TemplateVersionDoraMetrics | undefined) =>
    g && g.metrics[view.key].enoughData ? view.value(g.metrics) ?? null : null;
  const data = versions.map(version => {
    const row: Record<string, string | number | null> = { version };
    for (const ref of refs) {
      row[ref] = valueOf(
        groups.find(
          g => g.templateRef === ref && g.templateVersion === version,
        ),
      );
    }
    return row;
  });
  return (
    <ChartFigure
      title={view.title}
      description={`${view.unit} per template version; ${
        view.lowerIsBetter ? 'lower' : 'higher'
      } is better, no bar means not enough data`}
      table={{
        columns: ['Template', 'Version', view.unit, 'Band'],
        rows: groups.map(g => [
          templateName(g.templateRef, templates),
          g.templateVersion,
          valueOf(g) ?? 'not enough data',
          bandLabel(g.metrics[view.key].band),
        ]),
      }}
    >
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="version" tick={{ fontSize: 11 }} />
          <YAxis width={40} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Legend />
          {refs.map((ref, i) => (
            <Bar
              key={ref}
              dataKey={ref}
              name={templateName(ref, templates)}
              fill={colours[i % colours.length]}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}

function DoraByVersionTable(props: {
  groups: TemplateVersionDoraMetrics[];
  templates: GoldenPathTemplate[];
}) {
  return (
    <Box overflow="auto">
      <Table size="small" aria-label="DORA metrics per template version">
        <TableHead>
          <TableRow>
            <TableCell component="th" scope="col">
              Template
            </TableCell>
            <TableCell component="th" scope="col">
              Version
            </TableCell>
            {DORA_METRIC_VIEWS.map(v => (
              <TableCell key={v.key} component="th" scope="col">
                {v.title}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {props.groups.map(g => (
            <TableRow
              key={`${g.templateRef}@${g.templateVersion}`}
              data-testid={`dora-${g.templateRef}@${g.templateVersion}`}
            >
              <TableCell component="th" scope="row">
                {templateName(g.templateRef, props.templates)}
              </TableCell>
              <TableCell>{g.templateVersion}</TableCell>
              {DORA_METRIC_VIEWS.map(v => {
                const sample = g.metrics[v.key];
                return (
                  <TableCell key={v.key}>
                    <div>
                      {sample.enoughData
                        ? v.describe(g.metrics)
                        : 'Not enough data'}
                    </div>
                    <DoraBandLabel band={sample.band} />{' '}
                    <Typography variant="caption" color="textSecondary">
                      {describeSample(v, sample.sample)}
                    </Typography>
                  </TableCell>
                );
              })}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

/** DORA per template version, side by side, to show whether upgrading pays off. */
export function DeliveryTab() {
  const goldenPathsApi = useApi(goldenPathsApiRef);
  const [templateRef, setTemplateRef] = useState('');
  const templates = useAsync(
    () => goldenPathsApi.listTemplates(),
    [goldenPathsApi],
  );
  const dora = useAsync(
    () =>
      goldenPathsApi.getDoraByTemplateVersion({
        templateRef: templateRef || undefined,
      }),
    [goldenPathsApi, templateRef],
  );

  const templateList = templates.value ?? [];
  const groups = [...(dora.value?.groups ?? [])].sort(
    (a, b) =>
      a.templateRef.localeCompare(b.templateRef) ||
      byVersion(a.templateVersion, b.templateVersion),
  );

  let content;
  if (dora.loading) {
    content = <Progress />;
  } else if (dora.error) {
    content = <ResponseErrorPanel error={dora.error} />;
  } else if (groups.length === 0) {
    content = (
      <EmptyState
        missing="data"
        title="No delivery data per template version yet"
        description="Metrics appear once services on a golden path send deployment events (paved events send, the GitHub webhook, or POST /api/golden-paths/events)."
      />
    );
  } else {
    content = (
      <>
        <Grid container spacing={2}>
          {DORA_METRIC_VIEWS.map(view => (
            <Grid item xs={12} md={6} lg={4} key={view.key}>
              <MetricByVersionChart
                view={view}
                groups={groups}
                templates={templateList}
              />
            </Grid>
          ))}
        </Grid>
        <DoraByVersionTable groups={groups} templates={templateList} />
      </>
    );
  }

  const window = dora.value?.window;
  return (
    <InfoCard
      title="Delivery by template version (DORA)"
      subheader={
        window
          ? `${window.from.slice(0, 10)} to ${window.to.slice(
              0,
              10,
            )}; each service counts for the version it is on now`
          : undefined
      }
    >
      <Box mb={2}>
        <TextField
          select
          id="golden-paths-delivery-template"
          label="Template"
          value={templateRef}
          onChange={e => setTemplateRef(e.target.value)}
          SelectProps={{ native: true }}
          InputLabelProps={{ shrink: true }}
          size="small"
        >
          <option value="">All templates</option>
          {templateList.map(t => (
            <option key={t.templateRef} value={t.templateRef}>
              {t.title ?? t.templateRef}
            </option>
          ))}
        </TextField>
      </Box>
      {content}
    </InfoCard>
  );
}
