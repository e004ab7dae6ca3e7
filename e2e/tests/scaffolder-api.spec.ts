import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

const backend = process.env.PAVED_E2E_BACKEND ?? 'http://localhost:7100';

async function guestToken(
  request: import('@playwright/test').APIRequestContext,
) {
  const response = await request.get(`${backend}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  expect(response.ok()).toBe(true);
  return (await response.json()).backstageIdentity.token as string;
}

test('the scaffolder lists the Paved actions with their schemas and examples', async ({
  request,
}) => {
  const token = await guestToken(request);
  const response = await request.get(`${backend}/api/scaffolder/v2/actions`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.ok()).toBe(true);
  const actions: Array<{ id: string; schema?: any; examples?: unknown[] }> =
    await response.json();
  for (const id of [
    'paved:provenance:stamp',
    'paved:policy:check',
    'paved:template:upgrade',
  ]) {
    const action = actions.find(a => a.id === id);
    expect(action, id).toBeDefined();
    expect(
      Object.keys(action!.schema?.input?.properties ?? {}).length,
    ).toBeGreaterThan(0);
    expect(action!.examples?.length ?? 0).toBeGreaterThan(0);
  }
});

test('a dry run of a golden path shows the stamped catalog-info.yaml and lock file', async ({
  request,
}) => {
  const token = await guestToken(request);
  // What the Template Editor sends after loading templates/node-service.
  const root = path.resolve(__dirname, '../../templates/node-service');
  const directoryContents: Array<{ path: string; base64Content: string }> = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else
        directoryContents.push({
          path: path.relative(root, full).split(path.sep).join('/'),
          base64Content: fs.readFileSync(full).toString('base64'),
        });
    }
  };
  walk(root);
  const { parse } = await import('yaml');
  const template = parse(
    fs.readFileSync(path.join(root, 'template.yaml'), 'utf8'),
  );

  const response = await request.post(`${backend}/api/scaffolder/v2/dry-run`, {
    headers: { authorization: `Bearer ${token}` },
    data: {
      template,
      values: {
        name: 'dry-run-svc',
        description: 'A dry run',
        owner: 'group:default/team-payments',
        lifecycle: 'experimental',
        port: 8080,
        dataClassification: 'internal',
      },
      secrets: {},
      directoryContents,
    },
  });
  expect(response.ok()).toBe(true);
  const result = await response.json();
  const file = (p: string) =>
    Buffer.from(
      result.directoryContents.find((f: any) => f.path === p).base64Content,
      'base64',
    ).toString('utf8');

  const catalogInfo = file('catalog-info.yaml');
  expect(catalogInfo).toContain('backstage.io/template-version: 2.0.0');
  expect(catalogInfo).toContain('paved.dev/lock: .paved/lock.json');
  expect(catalogInfo).toMatch(/scaffoldedFrom: template:default\//);
  const lock = JSON.parse(file('.paved/lock.json'));
  expect(lock.version).toBe('2.0.0');
  expect(lock.answers.name).toBe('dry-run-svc');
  expect(lock.files.map((f: any) => f.path)).toContain('Dockerfile');
});
