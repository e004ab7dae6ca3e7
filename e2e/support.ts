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
 * Waits until the app has rendered for a signed-in guest: on the sign-in page
 * (a reload can land there before the guest session was kept) it enters
 * again. The dev-server bundle can take a while to boot on a busy machine.
 */
export async function signedIn(page: Page) {
  const enter = page.getByRole('button', { name: 'Enter' });
  const shell = page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Catalog', exact: true });
  await expect(async () => {
    if (await enter.isVisible()) await enter.click({ timeout: 5_000 });
    await expect(shell).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 90_000 });
}

/**
 * Reloads until `locator` shows, as a person would while data arrives. After
 * each reload it first waits for the app itself, so that a slow boot is never
 * mistaken for missing data (a loop that reloads before the app has rendered
 * never ends).
 */
export async function untilVisibleAfterReloads(
  page: Page,
  locator: Locator,
  options: { timeout?: number } = {},
) {
  const deadline = Date.now() + (options.timeout ?? 200_000);
  for (;;) {
    await page.reload();
    await signedIn(page);
    try {
      await expect(locator).toBeVisible({ timeout: 10_000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}
