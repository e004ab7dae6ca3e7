import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BACKEND, cardTitled, guestHeaders } from '../support';

// The e2e portal keeps its demo repositories here (e2e/app-config.e2e.yaml).
const repo = path.resolve(__dirname, '../../data/e2e/repos/payments-api');
const git = (...args: string[]) =>
  execFileSync(
    'git',
    [
      '-C',
      repo,
      '-c',
      'user.name=Team lead',
      '-c',
      'user.email=lead@example.com',
      ...args,
    ],
    { encoding: 'utf8' },
  );
const showOnBranch = (file: string) =>
  execFileSync('git', ['-C', repo, 'show', `paved/upgrade-2.0.0:${file}`], {
    encoding: 'utf8',
  });

test('a team lead upgrades a demo service two versions behind to a branch with one deliberate conflict, merges it, and the card is compliant again', async ({
  page,
  request,
}) => {
  test.setTimeout(300_000);
  // The form pre-filled through formData, as the card's Upgrade button opens it.
  const formData = encodeURIComponent(
    JSON.stringify({
      entityRef: 'component:default/payments-api',
      repoName: 'payments-api',
      targetVersion: '2.0.0',
    }),
  );
  await page.goto(
    `/create/templates/default/upgrade-service?formData=${formData}`,
  );
  await page.getByRole('button', { name: 'Enter' }).click();

  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  // fetch the repository, re-render 1.0.0 and 2.0.0, merge 3-way, push a branch
  await expect(
    page.getByRole('heading', { name: 'Upgrade from 1.0.0 to 2.0.0' }).first(),
  ).toBeVisible({ timeout: 90_000 });
  await expect(page.getByText(/1 conflict to resolve/).first()).toBeVisible();

  await page
    .getByRole('button', { name: 'Conflicts to resolve before merging' })
    .click();
  await expect(
    page
      .getByText(/package\.json.*changed by both the team and the template/)
      .first(),
  ).toBeVisible();
  await page.screenshot({
    path: 'e2e/screenshots/upgrade-task.png',
    fullPage: true,
  });

  // The branch keeps the team's customisations and applies the template's
  // changes; the one conflict is marked inline.
  expect(showOnBranch('README.md')).toContain('On call: #payments-oncall');
  expect(showOnBranch('src/index.ts')).toContain("app.get('/payments/:id'");
  expect(showOnBranch('src/index.ts')).toContain("from './http/health'");
  expect(showOnBranch('Dockerfile')).toMatch(/FROM node:22/);
  expect(showOnBranch('.paved/lock.json')).toContain('"version": "2.0.0"');
  const packageJson = showOnBranch('package.json');
  expect(packageJson).toContain('<<<<<<< service');
  expect(packageJson).toContain('>>>>>>> template 2.0.0');

  // The team lead resolves the conflict (taking the template's side) and
  // merges the branch, as they would merge the pull request.
  git('merge', '--ff-only', '--quiet', 'paved/upgrade-2.0.0');
  const file = path.join(repo, 'package.json');
  fs.writeFileSync(
    file,
    fs
      .readFileSync(file, 'utf8')
      .replace(
        /<<<<<<< service\n[\s\S]*?=======\n([\s\S]*?)>>>>>>> template 2\.0\.0\n/,
        '$1',
      ),
  );
  git(
    'commit',
    '--quiet',
    '-am',
    'Resolve the upgrade conflict in package.json',
  );
  expect(git('show', 'HEAD:package.json')).not.toContain('<<<<<<<');

  // The catalog reads the merged catalog-info.yaml; the sweep re-evaluates.
  const headers = await guestHeaders(request);
  const entityRef = 'component:default/payments-api';
  await expect
    .poll(
      async () => {
        await request.post(`${BACKEND}/api/catalog/refresh`, {
          headers,
          data: { entityRef },
        });
        const entity = await (
          await request.get(
            `${BACKEND}/api/catalog/entities/by-name/component/default/payments-api`,
            { headers },
          )
        ).json();
        return entity.metadata.annotations['backstage.io/template-version'];
      },
      { timeout: 120_000, intervals: [3_000] },
    )
    .toBe('2.0.0');
  const sweep = await request.post(`${BACKEND}/api/golden-paths/admin/sweep`, {
    headers,
  });
  expect(sweep.ok()).toBe(true);

  await page.goto('/catalog/default/component/payments-api');
  const card = cardTitled(page, 'Golden path');
  await expect(card.getByText('Compliant').first()).toBeVisible({
    timeout: 60_000,
  });
  await expect(card.getByText(/2\.0\.0/).first()).toBeVisible();
  await page.screenshot({
    path: 'e2e/screenshots/upgrade-merged-compliant.png',
    fullPage: true,
  });
});
