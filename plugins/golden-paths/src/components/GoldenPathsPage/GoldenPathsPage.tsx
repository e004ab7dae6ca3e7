import {
  Content,
  EmptyState,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_TEMPLATE_VERSION,
  TemplateSummary,
} from '@paved/backstage-plugin-golden-paths-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { goldenPathsApiRef } from '../../api';

// A calendar day in ISO form reads the same in every locale and sorts as text.
function formatDay(timestamp: string | undefined): string {
  const date = timestamp ? new Date(timestamp) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    return '—';
  }
  return date.toISOString().slice(0, 10);
}

const columns: TableColumn<TemplateSummary>[] = [
  {
    title: 'Template',
    field: 'title',
    highlight: true,
    // People search by the name they know, which is as often the ref as the title.
    customFilterAndSearch: (query: string, template) =>
      `${template.title ?? ''} ${template.templateRef}`
        .toLocaleLowerCase('en-US')
        .includes(query.toLocaleLowerCase('en-US')),
    render: template => (
      <>
        <EntityRefLink entityRef={template.templateRef}>
          {template.title ?? template.templateRef}
        </EntityRefLink>
        <Typography variant="body2" color="textSecondary">
          {template.templateRef}
        </Typography>
      </>
    ),
  },
  { title: 'Latest version', field: 'latestVersion' },
  {
    title: 'Versions published',
    sorting: false,
    render: template => (
      <Box display="flex" flexWrap="wrap" style={{ gap: 4 }}>
        {template.versions.map(v => (
          <Chip
            key={v.version}
            size="small"
            label={v.version}
            title={`First seen ${formatDay(v.firstSeenAt)}`}
            color={v.version === template.latestVersion ? 'primary' : 'default'}
          />
        ))}
      </Box>
    ),
  },
  {
    title: 'First seen',
    // Versions arrive oldest first, so the template was first seen with its first version.
    customSort: (a, b) =>
      formatDay(a.versions[0]?.firstSeenAt).localeCompare(
        formatDay(b.versions[0]?.firstSeenAt),
      ),
    render: template => formatDay(template.versions[0]?.firstSeenAt),
  },
];

function TemplatesContent() {
  const goldenPathsApi = useApi(goldenPathsApiRef);
  const {
    value: templates,
    loading,
    error,
  } = useAsync(() => goldenPathsApi.listTemplates(), [goldenPathsApi]);

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!templates?.length) {
    return (
      <EmptyState
        missing="data"
        title="No golden-path templates yet"
        description={`A template appears here once its catalog entity carries a ${ANNOTATION_TEMPLATE_VERSION} annotation with a semver version. Each new version is recorded the first time the catalog sees it.`}
      />
    );
  }
  return (
    <Table<TemplateSummary>
      title={`Templates (${templates.length})`}
      options={{ paging: templates.length > 20, pageSize: 20, search: true }}
      columns={columns}
      // material-table writes bookkeeping into row objects; give it copies, not API results.
      data={templates.map(template => ({ ...template }))}
    />
  );
}

/**
 * The Golden Paths page: every versioned template and the versions it has published.
 *
 * @public
 */
export function GoldenPathsPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Golden Paths"
        subtitle="Versioned templates that services are created from"
      />
      <Content>
        <TemplatesContent />
      </Content>
    </Page>
  );
}
