/**
 * What the e2e journeys share: the portal's backend, the demo guest's token,
 * the `paved` CLI as a pipeline runs it, and waiting for data that lands
 * after the portal starts.
 */
import { APIRequestContext, expect, Locator, Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const BACKEND = process.env.PAVED_E2E_BACKEND ?? 'http://localhost:7100';

/** The demo's static external-access token for pipelines (app-config.yaml). */
const CLI_TOKEN = 'paved-demo-cli-token';
const PAVED = path.resolve(__dirname, '../packages/cli/bin/paved');

/** Runs `paved <args>` against the e2e portal, as a pipeline step would. */
export function paved(args: string[]) {
  const run = spawnSync(
    process.execPath,
    [PAVED, ...args, '--url', BACKEND, '--token', CLI_TOKEN],
    { encoding: 'utf8' },
  );
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

/** Headers that call the backend as the demo guest (a platform engineer). */
export async function guestHeaders(request: APIRequestContext) {
  const session = await request.get(`${BACKEND}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  expect(session.ok()).toBe(true);
  const token = (await session.json()).backstageIdentity.token;
  return { authorization: `Bearer ${token}` };
}

/** The card on an entity page whose title is `title`. */
export function cardTitled(page: Page, title: string): Locator {
  return page.locator('[class*="MuiCard-root"]').filter({
    has: page.getByText(title, { exact: true }),
  });
}

/**
 * Reloads until `locator` shows, as a person would while data arrives. After
 * each reload it first waits for the app itself (the sidebar): on a busy
 * machine the dev-server bundle can take longer to boot than the data takes
 * to arrive, and a loop that reloads before the app has rendered never ends.
 */
export async function untilVisibleAfterReloads(
  page: Page,
  locator: Locator,
  options: { timeout?: number } = {},
) {
  await expect(async () => {
    await page.reload();
    await expect(
      page.getByRole('navigation', { name: 'sidebar nav' }),
    ).toBeVisible({ timeout: 60_000 });
    await expect(locator).toBeVisible({ timeout: 10_000 });
  }).toPass({ timeout: options.timeout ?? 200_000 });
}
