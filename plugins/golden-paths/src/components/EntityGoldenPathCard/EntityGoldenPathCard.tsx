import { ReactNode, useState } from 'react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  LinkButton,
  Progress,
  ResponseErrorPanel,
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  ANNOTATION_SOURCE_TEMPLATE,
  ANNOTATION_TEMPLATE_VERSION,
  compareVersions,
  describeLag,
  exemptionCreatePermission,
  exemptionDeletePermission,
  parseVersion,
} from '@paved/backstage-plugin-golden-paths-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import {
  ComplianceEvaluation,
  GoldenPathTemplate,
  GoldenPathTemplateVersion,
  goldenPathsApiRef,
} from '../../api';
import { ChangelogVersion } from '../ChangelogVersion';
import { describeActionError } from './describeActionError';
import { ExemptionDialog } from './ExemptionDialog';
import { readGoldenPathProvenance } from './provenance';

/** How many of the evaluation's reasons the card lists; the rest are in the API. */
const MAX_REASONS = 3;

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

// Deadlines come as a policy day (YYYY-MM-DD) or an exemption's timestamp;
// a calendar day in ISO form reads the same in every locale.
function formatDay(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString().slice(0, 10);
}

function PolicyStatus({ evaluation }: { evaluation: ComplianceEvaluation }) {
  const day = formatDay(evaluation.deadline);
  switch (evaluation.state) {
    case 'compliant':
      return <StatusOK>Compliant</StatusOK>;
    case 'warn':
      return (
        <StatusWarning>
          {day ? `Warning: blocks on ${day}` : 'Warning'}
        </StatusWarning>
      );
    case 'block':
      return <StatusError>Blocked</StatusError>;
    case 'exempt':
      return (
        <StatusPending>{day ? `Exempt until ${day}` : 'Exempt'}</StatusPending>
      );
    default:
      return <StatusAborted>Unknown</StatusAborted>;
  }
}

/** The versions after the one in use, up to the latest, that publish a changelog entry. */
function changelogSince(
  template: GoldenPathTemplate | undefined,
  current: string | undefined,
  latest: string | undefined,
): GoldenPathTemplateVersion[] {
  if (!template || !current || !latest) return [];
  if (!parseVersion(current) || !parseVersion(latest)) return [];
  return template.versions.filter(
    v =>
      v.changelog &&
      parseVersion(v.version) &&
      compareVersions(v.version, current) > 0 &&
      compareVersions(v.version, latest) <= 0,
  );
}

function Changelog(props: { versions: GoldenPathTemplateVersion[] }) {
  return (
    <Box mt={2}>
      <Typography variant="subtitle2" component="h3">
        Changes since the version in use
      </Typography>
      {props.versions.map(v => (
        <Box key={v.version} mt={1} data-testid={`changelog-${v.version}`}>
          <ChangelogVersion version={v} />
        </Box>
      ))}
    </Box>
  );
}

/**
 * Request or revoke an exemption, shown only to people allowed to; the
 * backend checks the permission again on every call.
 */
function ExemptionActions(props: {
  evaluation: ComplianceEvaluation;
  onRequest: () => void;
  onRevoke: (exemptionId: string) => void;
}) {
  const { evaluation, onRequest, onRevoke } = props;
  const canCreate = usePermission({ permission: exemptionCreatePermission });
  const canDelete = usePermission({ permission: exemptionDeletePermission });
  const { exemptionId } = evaluation;
  return (
    <>
      {(evaluation.state === 'warn' || evaluation.state === 'block') &&
        canCreate.allowed && (
          <Button variant="outlined" onClick={onRequest}>
            Request exemption
          </Button>
        )}
      {evaluation.state === 'exempt' && exemptionId && canDelete.allowed && (
        <Button variant="outlined" onClick={() => onRevoke(exemptionId)}>
          Revoke exemption
        </Button>
      )}
    </>
  );
}

/** The upgrade template, pre-filled with this service and the version to move to. */
function upgradeLink(
  entityRef: string,
  repoName: string,
  targetVersion: string,
): string {
  const formData = { entityRef, repoName, targetVersion };
  return `/create/templates/default/upgrade-service?formData=${encodeURIComponent(
    JSON.stringify(formData),
  )}`;
}

function GoldenPathDetails() {
  const { entity } = useEntity();
  const provenance = readGoldenPathProvenance(entity);
  const goldenPathsApi = useApi(goldenPathsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const hasProvenance = provenance !== undefined;
  // An exemption change returns the new evaluation; it replaces the loaded one.
  const [changed, setChanged] = useState<ComplianceEvaluation>();
  const [dialogOpen, setDialogOpen] = useState(false);
  const [actionError, setActionError] = useState<unknown>();
  const { value, loading, error } = useAsync(async () => {
    // A service without provenance needs no backend answer to say so.
    if (!hasProvenance) return undefined;
    const [evaluation, templates] = await Promise.all([
      goldenPathsApi.getCompliance(entityRef),
      goldenPathsApi.listTemplates(),
    ]);
    return { evaluation, templates };
  }, [goldenPathsApi, entityRef, hasProvenance]);

  if (!provenance) {
    return <NotOnAGoldenPath />;
  }
  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!value) {
    return null;
  }

  const evaluation = changed ?? value.evaluation;
  const templateRef = evaluation.templateRef ?? provenance.templateRef;
  const template = value.templates.find(
    t =>
      t.templateRef.toLocaleLowerCase('en-US') ===
      templateRef.toLocaleLowerCase('en-US'),
  );
  const current = evaluation.currentVersion ?? provenance.version;
  const latest = evaluation.latestVersion ?? template?.latestVersion;
  const behind = Boolean(latest && (evaluation.lag?.versionsBehind ?? 0) > 0);
  const changelog = changelogSince(template, current, latest);
  const drift = evaluation.drift;

  const metadata: Record<string, ReactNode> = {
    Template: (
      <EntityRefLink entityRef={templateRef}>
        {template?.title ?? templateRef}
      </EntityRefLink>
    ),
    'Version in use': current ?? 'Unknown',
    'Latest version': latest ?? 'Unknown',
    Lag: evaluation.lag ? describeLag(evaluation.lag) : 'Unknown',
    Policy: <PolicyStatus evaluation={evaluation} />,
  };
  if (drift) {
    metadata.Drift = drift.text;
  }

  const revoke = async (id: string) => {
    setActionError(undefined);
    try {
      setChanged((await goldenPathsApi.deleteExemption(id)).evaluation);
    } catch (e) {
      setActionError(e);
    }
  };

  return (
    <>
      <StructuredMetadataTable
        // The labels are written for people already; don't let the table re-case them.
        options={{ titleFormat: label => label }}
        metadata={metadata}
      />
      {evaluation.reasons.length > 0 && (
        <Box component="ul" mt={1} mb={0} aria-label="Reasons">
          {evaluation.reasons.slice(0, MAX_REASONS).map(reason => (
            <Typography key={reason} variant="body2" component="li">
              {reason}
            </Typography>
          ))}
        </Box>
      )}
      {drift && drift.summary.likelyConflicts > 0 && drift.files && (
        <Box mt={1}>
          <Typography variant="body2" color="textSecondary">
            Likely conflicts:{' '}
            {drift.files
              .filter(f => f.likelyConflict)
              .map(f => f.path)
              .join(', ')}
          </Typography>
        </Box>
      )}
      {changelog.length > 0 && <Changelog versions={changelog} />}
      {actionError !== undefined && (
        <Box mt={2}>
          <Alert severity="error">{describeActionError(actionError)}</Alert>
        </Box>
      )}
      <Box mt={2} display="flex" style={{ gap: 8 }}>
        {behind && latest && (
          <LinkButton
            to={upgradeLink(entityRef, entity.metadata.name, latest)}
            color="primary"
            variant="contained"
          >
            Upgrade to {latest}
          </LinkButton>
        )}
        <ExemptionActions
          evaluation={evaluation}
          onRequest={() => setDialogOpen(true)}
          onRevoke={revoke}
        />
      </Box>
      <ExemptionDialog
        open={dialogOpen}
        onClose={() => setDialogOpen(false)}
        onSubmit={async ({ reason, expiresAt }) => {
          const result = await goldenPathsApi.createExemption({
            entityRef,
            reason,
            expiresAt,
          });
          setChanged(result.evaluation);
          setDialogOpen(false);
        }}
      />
    </>
  );
}

/**
 * Entity overview card: which golden-path template a service came from, how
 * far behind it is, its policy state, its drift, and what the upgrade brings.
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
