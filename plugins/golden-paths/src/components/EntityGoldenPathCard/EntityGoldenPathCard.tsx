import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_SOURCE_TEMPLATE,
  ANNOTATION_TEMPLATE_VERSION,
} from '@paved/backstage-plugin-golden-paths-common';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { goldenPathsApiRef } from '../../api';
import { describeTemplateLag, readGoldenPathProvenance } from './provenance';

function NotOnAGoldenPath() {
  return (
    <>
      <Typography variant="h6" component="p">
        Not on a golden path
      </Typography>
      <Typography variant="body2" color="textSecondary">
        This service does not say which template it was created from (no{' '}
        <code>{ANNOTATION_SOURCE_TEMPLATE}</code> annotation or{' '}
        <code>spec.scaffoldedFrom</code>), so there is no template version to
        compare it with. Services created from a golden-path template get both,
        and a <code>{ANNOTATION_TEMPLATE_VERSION}</code> annotation,
        automatically.
      </Typography>
    </>
  );
}

function GoldenPathDetails() {
  const { entity } = useEntity();
  const provenance = readGoldenPathProvenance(entity);
  const goldenPathsApi = useApi(goldenPathsApiRef);
  const templateRef = provenance?.templateRef;
  const {
    value: templates,
    loading,
    error,
  } = useAsync(
    // No template to look up means nothing to fetch; the card says so instead.
    async () => (templateRef ? goldenPathsApi.listTemplates() : []),
    [goldenPathsApi, templateRef],
  );

  if (!provenance) {
    return <NotOnAGoldenPath />;
  }
  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }

  const template = templates?.find(
    t => t.templateRef.toLocaleLowerCase('en-US') === provenance.templateRef,
  );
  return (
    <StructuredMetadataTable
      // The labels are written for people already; don't let the table re-case them.
      options={{ titleFormat: label => label }}
      metadata={{
        Template: (
          <EntityRefLink entityRef={provenance.templateRef}>
            {template?.title ?? provenance.templateRef}
          </EntityRefLink>
        ),
        'Version in use': provenance.version ?? 'Unknown',
        'Latest version': template?.latestVersion ?? 'Unknown',
        Lag: describeTemplateLag(provenance, template),
      }}
    />
  );
}

/**
 * Entity overview card: which golden-path template a service came from, and how far behind it is.
 *
 * @public
 */
export function EntityGoldenPathCard() {
  return (
    <InfoCard title="Golden path">
      <GoldenPathDetails />
    </InfoCard>
  );
}
