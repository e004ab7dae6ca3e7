import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_TEMPLATE_VERSION,
  compareVersions,
  MaxVersionLag,
  parseVersion,
  TemplatePolicy,
} from '@paved/backstage-plugin-golden-paths-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import useAsync from 'react-use/esm/useAsync';
import {
  ComplianceSummaryItem,
  GoldenPathTemplate,
  goldenPathsApiRef,
} from '../../api';
import { ChangelogVersion } from '../ChangelogVersion';
import { ChartFigure } from '../charts';

/** A maximum lag in words, e.g. "1 major", "2 minors", "0 majors, 1 minor". */
export function describeMaxLag(lag: MaxVersionLag | undefined) {
  if (!lag) return undefined;
  const count = (n: number, one: string, many: string) =>
    `${n} ${n === 1 ? one : many}`;
  const parts = [
    lag.majors !== undefined && count(lag.majors, 'major', 'majors'),
    lag.minors !== undefined && count(lag.minors, 'minor', 'minors'),
  ].filter((p): p is string => Boolean(p));
  return parts.length > 0 ? parts.join(', ') : undefined;
}

const byVersion = (a: string, b: string) =>
  parseVersion(a) && parseVersion(b)
    ? compareVersions(a, b)
    : a.localeCompare(b);

/** Services per version: every published version, and any other in use. */
export function servicesPerVersion(
  template: GoldenPathTemplate,
  summary: ComplianceSummaryItem[],
): Array<{ version: string; services: number }> {
  const counts = new Map<string, number>(
    template.versions.map(v => [v.version, 0]),
  );
  const ref = template.templateRef.toLocaleLowerCase('en-US');
  for (const item of summary) {
    if ((item.templateRef ?? '').toLocaleLowerCase('en-US') !== ref) continue;
    const version = item.version || 'unknown';
    counts.set(version, (counts.get(version) ?? 0) + item.total);
  }
  return [...counts.entries()]
    .map(([version, services]) => ({ version, services }))
    .sort((a, b) => byVersion(a.version, b.version));
}

function VersionHistogram(props: {
  title: string;
  data: Array<{ version: string; services: number }>;
}) {
  const theme = useTheme();
  return (
    <ChartFigure
      title={`Services per version of ${props.title}`}
      description={props.data
        .map(d => `${d.version}: ${d.services}`)
        .join(', ')}
      table={{
        columns: ['Version', 'Services'],
        rows: props.data.map(d => [d.version, d.services]),
      }}
    >
      <ResponsiveContainer width="100%" height={200}>
        <BarChart data={props.data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="version" tick={{ fontSize: 11 }} />
          <YAxis allowDecimals={false} width={32} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Bar
            dataKey="services"
            name="Services"
            fill={theme.palette.primary.main}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}

function PolicyList(props: { policy: TemplatePolicy | undefined }) {
  const { policy } = props;
  const maxLag = describeMaxLag(policy?.maxLag);
  if (
    !policy ||
    (!policy.minimumVersion && !policy.warnDate && !policy.blockDate && !maxLag)
  ) {
    return (
      <Typography variant="body2" color="textSecondary">
        No policy: every version is supported.
      </Typography>
    );
  }
  const rows: Array<[string, string | undefined]> = [
    ['Minimum version', policy.minimumVersion],
    ['Warn from', policy.warnDate],
    ['Block from', policy.blockDate],
    ['Maximum lag', maxLag],
  ];
  return (
    <Box component="dl" m={0}>
      {rows.map(([label, value]) => (
        <Box key={label} display="flex" style={{ gap: 8 }}>
          <Typography
            component="dt"
            variant="body2"
            style={{ fontWeight: 600 }}
          >
            {label}:
          </Typography>
          <Typography component="dd" variant="body2" style={{ margin: 0 }}>
            {value ?? 'not set'}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}

function Changelog(props: { template: GoldenPathTemplate }) {
  const versions = [...props.template.versions]
    .filter(v => v.changelog)
    .reverse();
  if (versions.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No changelog published.
      </Typography>
    );
  }
  return (
    <Box
      component="ul"
      m={0}
      pl={2}
      aria-label={`Changelog of ${
        props.template.title ?? props.template.templateRef
      }`}
    >
      {versions.map(v => (
        <li key={v.version}>
          <ChangelogVersion version={v} />
        </li>
      ))}
    </Box>
  );
}

/** Every template: services per version, the changelog and the policy dates. */
export function TemplatesTab() {
  const goldenPathsApi = useApi(goldenPathsApiRef);
  const { value, loading, error } = useAsync(async () => {
    const [templates, summary] = await Promise.all([
      goldenPathsApi.listTemplates(),
      goldenPathsApi.getComplianceSummary({ groupBy: 'version' }),
    ]);
    return { templates, summary: summary.items };
  }, [goldenPathsApi]);

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value?.templates.length) {
    return (
      <EmptyState
        missing="data"
        title="No golden-path templates yet"
        description={`A template appears here once its catalog entity carries a ${ANNOTATION_TEMPLATE_VERSION} annotation with a semver version. Each new version is recorded the first time the catalog sees it.`}
      />
    );
  }
  return (
    <Grid container spacing={3}>
      {value.templates.map(template => {
        const title = template.title ?? template.templateRef;
        return (
          <Grid item xs={12} key={template.templateRef}>
            <InfoCard
              title={
                <EntityRefLink entityRef={template.templateRef}>
                  {title}
                </EntityRefLink>
              }
              subheader={`${template.templateRef} · latest ${template.latestVersion} · ${template.versions.length} versions published`}
            >
              <Grid container spacing={2}>
                <Grid item xs={12} md={6}>
                  <VersionHistogram
                    title={title}
                    data={servicesPerVersion(template, value.summary)}
                  />
                </Grid>
                <Grid item xs={12} md={6}>
                  <Typography variant="subtitle2" component="h3">
                    Policy
                  </Typography>
                  {/* The policy in force now, app-config included. */}
                  <PolicyList policy={template.policy} />
                  <Box mt={2}>
                    <Typography variant="subtitle2" component="h3">
                      Changelog
                    </Typography>
                    <Changelog template={template} />
                  </Box>
                </Grid>
              </Grid>
            </InfoCard>
          </Grid>
        );
      })}
    </Grid>
  );
}
