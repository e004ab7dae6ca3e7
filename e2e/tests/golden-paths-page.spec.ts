import { expect, test } from '@playwright/test';
import { BACKEND, guestHeaders, untilVisibleAfterReloads } from '../support';

// Waiting for the demo's DORA history, which lands after the portal starts.
test.setTimeout(420_000);

test("golden paths page: a team's rollup, the template histogram and DORA by template version", async ({
  page,
  request,
}) => {
  // The rollup reads the sweep's snapshot. The demo services are seeded after
  // start, so once they are in the catalog sweep now rather than waiting for
  // the next scheduled sweep, as a platform engineer could.
  const headers = await guestHeaders(request);
  await expect
    .poll(
      async () => {
        const sweep = await request.post(
          `${BACKEND}/api/golden-paths/admin/sweep`,
          { headers },
        );
        return (await sweep.json()).evaluated ?? 0;
      },
      { timeout: 180_000, intervals: [5_000] },
    )
    .toBeGreaterThanOrEqual(13);

  await page.goto('/golden-paths/teams');
  await page.getByRole('button', { name: 'Enter' }).click();

  // Teams: team-payments has payments-api (warned) and fraud-scoring (blocked).
  // The rollup counts what the sweep has evaluated; on a fresh portal the demo
  // services are still being seeded, so reload until both are in.
  const payments = page.getByTestId('team-team-payments');
  await untilVisibleAfterReloads(
    page,
    payments.getByRole('img', {
      name: /^\d+ compliant, [1-9]\d* warn, [1-9]\d* block, \d+ exempt, \d+ unknown$/,
    }),
  );
  await payments
    .getByRole('button', { name: 'Show services of team-payments' })
    .click();
  await expect(page).toHaveURL(/team=group(%3A|:)default(%2F|\/)team-payments/);
  const services = page.getByRole('table', {
    name: 'Services of team-payments',
  });
  await expect(
    services.getByRole('link', { name: 'payments-api' }),
  ).toBeVisible();
  await expect(
    services.getByRole('row').filter({ hasText: 'fraud-scoring' }),
  ).toContainText('Block');
  await expect(
    page.getByRole('img', { name: /^Trend of team-payments/ }),
  ).toBeVisible();
  await page.screenshot({
    path: 'e2e/screenshots/golden-paths-teams.png',
    fullPage: true,
  });

  // Templates: a histogram of services per version of each golden path.
  await page.getByRole('tab', { name: 'Templates' }).click();
  await expect(page).toHaveURL(/\/golden-paths\/templates/);
  const histogram = page.getByRole('img', {
    name: /^Services per version of Node\.js service: 1\.0\.0: \d+, 1\.1\.0: \d+, 2\.0\.0: \d+/,
  });
  await expect(histogram).toBeVisible({ timeout: 60_000 });
  await expect(
    histogram.locator('.recharts-bar-rectangle').first(),
  ).toBeVisible();
  await expect(page.getByText('Breaking').first()).toBeVisible();
  // The policy in force, as the backend applies it.
  await expect(
    page.getByText('2027-01-31', { exact: true }).first(),
  ).toBeVisible();
  await expect(
    page.getByText('1 major', { exact: true }).first(),
  ).toBeVisible();
  await page.screenshot({
    path: 'e2e/screenshots/golden-paths-templates.png',
    fullPage: true,
  });

  // Delivery: DORA per template version as charts and a table.
  await page.getByRole('tab', { name: 'Delivery' }).click();
  await expect(page).toHaveURL(/\/golden-paths\/delivery/);
  const table = page.getByRole('table', {
    name: 'DORA metrics per template version',
  });
  // The demo's DORA history may land after the portal starts; reload until then.
  await untilVisibleAfterReloads(page, table);
  const chart = page.getByRole('img', { name: /^Deployment frequency: / });
  await expect(chart.locator('.recharts-bar-rectangle').first()).toBeVisible();
  await expect(table).toContainText(/n = \d+ deployments/);
  await expect(table).toContainText(/Elite|High|Medium|Low/);
  await page.screenshot({
    path: 'e2e/screenshots/golden-paths-delivery.png',
    fullPage: true,
  });
});
