import {
  AuthService,
  coreServices,
  createBackendModule,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import {
  catalogServiceRef,
  CatalogService,
} from '@backstage/plugin-catalog-node';
import {
  compareVersions,
  FileOwnershipRules,
} from '@paved/backstage-plugin-golden-paths-common';
import {
  commitAll,
  createLocalRepo,
  isLocalRepo,
  localRepoPath,
  localRepoUrl,
  readLocalGitRoot,
  renderSkeleton,
  stampWorkspace,
} from '@paved/backstage-plugin-scaffolder-backend-module-golden-paths';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { sendDemoDoraHistory } from './demoDoraHistory';
import { grantDemoExemptions } from './demoExemptions';

/** One demo service: which golden path, at which version, changed how. */
export type DemoService = {
  name: string;
  template: string;
  version: string;
  answers: Record<string, unknown>;
  customisations?: Array<{
    path: string;
    append?: string;
    replace?: { from: string; to: string };
  }>;
  /** An exemption the platform team granted, for so many days from start. */
  exemption?: { reason: string; days: number };
};

type VersionManifest = {
  version: string;
  ownership?: FileOwnershipRules;
  parameters?: Record<string, unknown>;
};

/**
 * Creates the demo's golden-path services the way a developer would have:
 * rendered from a template version, stamped like paved:provenance:stamp, then
 * changed by the team in a second commit. Each becomes a git repository under
 * the local git root and is registered in the catalog. It only creates what
 * is missing, so it is safe to run on every start and on every replica.
 */
export class DemoServiceSeeder {
  constructor(
    private readonly deps: {
      config: Config;
      auth: AuthService;
      catalog: CatalogService;
      logger: LoggerService;
    },
  ) {}

  /** Whether every demo service is in the catalog, so events can match it. */
  async allRegistered(services: DemoService[]): Promise<boolean> {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const { items } = await this.deps.catalog.getEntitiesByRefs(
      { entityRefs: services.map(s => `component:default/${s.name}`) },
      { credentials },
    );
    return items.every(Boolean);
  }

  /** Seeds every missing service; returns the names created. */
  async run(services: DemoService[]): Promise<string[]> {
    const { auth, catalog, config, logger } = this.deps;
    const credentials = await auth.getOwnServiceCredentials();
    const root = readLocalGitRoot(config);
    await fs.mkdir(root, { recursive: true });
    const created: string[] = [];
    for (const service of services) {
      const repoPath = localRepoPath(root, service.name);
      if (!(await isLocalRepo(repoPath))) {
        const template = await catalog.getEntityByRef(
          `template:default/${service.template}`,
          { credentials },
        );
        const location =
          template?.metadata.annotations?.['backstage.io/managed-by-location'];
        if (!location?.startsWith('file:')) {
          // The catalog has not read the templates yet; the next run will.
          logger.info(
            `Demo service ${service.name} waits for template ${service.template} in the catalog`,
          );
          continue;
        }
        await this.createRepo(root, service, location.slice('file:'.length));
        created.push(service.name);
      }
      const entityRef = `component:default/${service.name}`;
      if (!(await catalog.getEntityByRef(entityRef, { credentials }))) {
        await catalog
          .addLocation(
            {
              type: 'url',
              target: `${localRepoUrl(repoPath)}/catalog-info.yaml`,
            },
            { credentials },
          )
          .catch(error => {
            // Registered already, and the catalog has not processed it yet.
            if (error.name !== 'ConflictError') throw error;
          });
      }
    }
    return created;
  }

  private async createRepo(
    root: string,
    service: DemoService,
    templateFile: string,
  ) {
    const templateDir = path.dirname(templateFile);
    const manifests = await readManifests(templateDir, service.version);
    const target = manifests[manifests.length - 1];
    // Parameters added by later versions did not exist yet; earlier ones
    // carry the defaults the form would have filled in.
    const values: Record<string, unknown> = Object.assign(
      {},
      ...manifests.map(m => m.parameters ?? {}),
      { name: service.name },
      service.answers,
    );

    const workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'paved-demo-'));
    try {
      const rendered = await renderSkeleton({
        skeletonDir: path.join(
          templateDir,
          'versions',
          service.version,
          'skeleton',
        ),
        values,
        integrations: ScmIntegrations.fromConfig(this.deps.config),
      });
      for (const [file, content] of rendered.files) {
        const absolute = path.join(workspace, file);
        await fs.mkdir(path.dirname(absolute), { recursive: true });
        await fs.writeFile(
          absolute,
          'text' in content ? content.text : content.binary,
          { mode: rendered.modes.get(file) },
        );
      }
      await stampWorkspace({
        workspacePath: workspace,
        templateRef: `template:default/${service.template}`,
        version: service.version,
        templateSource: pathToFileURL(templateFile).toString(),
        values,
        ownership: target.ownership,
      });
      const { repoPath } = await createLocalRepo(
        root,
        service.name,
        workspace,
        `Create ${service.name} from the ${service.template} golden path ${service.version}`,
      );
      if (service.customisations?.length) {
        for (const change of service.customisations) {
          await applyCustomisation(repoPath, change);
        }
        await commitAll(repoPath, `${service.name}: the team's own changes`);
      }
      this.deps.logger.info(
        `Created demo service ${service.name} from ${service.template}@${service.version}`,
      );
    } finally {
      await fs.rm(workspace, { recursive: true, force: true });
    }
  }
}

/** The manifests of every published version up to and including `version`. */
async function readManifests(
  templateDir: string,
  version: string,
): Promise<VersionManifest[]> {
  const versions = (await fs.readdir(path.join(templateDir, 'versions')))
    .filter(v => compareVersions(v, version) <= 0)
    .sort(compareVersions);
  if (versions[versions.length - 1] !== version) {
    throw new Error(`${templateDir} has no published version ${version}`);
  }
  return Promise.all(
    versions.map(async v =>
      parseYaml(
        await fs.readFile(
          path.join(templateDir, 'versions', v, 'paved.yaml'),
          'utf8',
        ),
      ),
    ),
  );
}

async function applyCustomisation(
  repoPath: string,
  change: NonNullable<DemoService['customisations']>[number],
) {
  const file = path.resolve(repoPath, change.path);
  if (!file.startsWith(`${repoPath}${path.sep}`)) {
    throw new Error(`Customisation path ${change.path} leaves the repository`);
  }
  let text = await fs.readFile(file, 'utf8');
  if (change.replace) {
    if (!text.includes(change.replace.from)) {
      throw new Error(
        `Customisation of ${change.path}: '${change.replace.from}' not found`,
      );
    }
    text = text.replace(change.replace.from, change.replace.to);
  }
  if (change.append) {
    text += change.append;
  }
  await fs.writeFile(file, text, 'utf8');
}

/** Reads the demo services file named by goldenPaths.demo.servicesFile. */
export async function readDemoServices(file: string): Promise<DemoService[]> {
  const spec = parseYaml(await fs.readFile(file, 'utf8'));
  return spec?.services ?? [];
}

/**
 * Seeds the demo's golden-path services shortly after start, and keeps trying
 * every minute until the catalog has the templates they come from.
 */
export default createBackendModule({
  pluginId: 'golden-paths',
  moduleId: 'demo-services',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
      },
      async init({ config, auth, logger, scheduler, discovery, catalog }) {
        const file = config.getOptionalString('goldenPaths.demo.servicesFile');
        if (!file) return;
        const seeder = new DemoServiceSeeder({ config, auth, catalog, logger });
        // Sent once per process once every service exists; ids make it idempotent.
        let historySent = false;
        let exemptionsGranted = false;
        await scheduler.scheduleTask({
          id: 'golden-paths-demo-services',
          scope: 'global',
          frequency: { minutes: 1 },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 5 },
          fn: async () => {
            const services = await readDemoServices(path.resolve(file));
            await seeder.run(services);
            if (!historySent && (await seeder.allRegistered(services))) {
              await sendDemoDoraHistory({
                services: [
                  ...services.map(s => ({ name: s.name, version: s.version })),
                  // The services that never took a golden path deliver too.
                  ...(
                    config.getOptionalStringArray(
                      'goldenPaths.demo.otherServices',
                    ) ?? []
                  ).map(name => ({ name })),
                ],
                auth,
                discovery,
                logger,
              });
              historySent = true;
            }
            if (historySent && !exemptionsGranted) {
              await grantDemoExemptions({
                exemptions: services.flatMap(s =>
                  s.exemption ? [{ service: s.name, ...s.exemption }] : [],
                ),
                discovery,
                logger,
              });
              exemptionsGranted = true;
            }
          },
        });
      },
    });
  },
});
