import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  TemplateSummary,
  sortVersions,
} from '@paved/backstage-plugin-golden-paths-common';
import express from 'express';
import Router from 'express-promise-router';
import { TemplateVersionStore } from './database/TemplateVersionStore';

/**
 * Builds the plugin's HTTP routes. Every route needs Backstage credentials;
 * the httpRouter's default auth policy enforces that before we are called.
 *
 * @internal
 */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  templateVersions: TemplateVersionStore;
}): Promise<express.Router> {
  const { httpAuth, templateVersions } = options;
  const router = Router();
  router.use(express.json());

  router.get('/health', async (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/templates', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const templateRef = req.query.templateRef;
    if (templateRef !== undefined && typeof templateRef !== 'string') {
      throw new InputError('templateRef must be a single entity ref');
    }
    const versions = await templateVersions.listVersions({ templateRef });
    const byTemplate = new Map<string, typeof versions>();
    for (const v of versions) {
      byTemplate.set(v.templateRef, [
        ...(byTemplate.get(v.templateRef) ?? []),
        v,
      ]);
    }
    const items: TemplateSummary[] = [...byTemplate.entries()].map(
      ([ref, list]) => {
        const order = sortVersions(list.map(v => v.version));
        const sorted = order.map(o => list.find(v => v.version === o)!);
        const latest = sorted[sorted.length - 1];
        return {
          templateRef: ref,
          title: latest.title,
          latestVersion: latest.version,
          versions: sorted,
        };
      },
    );
    res.json({ items });
  });

  return router;
}
