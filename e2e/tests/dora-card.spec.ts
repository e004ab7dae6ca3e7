import { expect, test } from '@playwright/test';
import { cardTitled, untilVisibleAfterReloads } from '../support';

// Waiting for the demo's DORA history, which lands after the portal starts.
test.setTimeout(300_000);

test('dora card: a demo service shows its five DORA metrics with bands and sample sizes, and the Golden path tab its trends and drift', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/payments-api');
  await page.getByRole('button', { name: 'Enter' }).click();

  const card = cardTitled(page, 'Delivery (DORA)');
  const metrics = card.getByRole('table', { name: 'DORA metrics' });
  // The demo's DORA history is sent once the services are in the catalog;
  // on a fresh portal it may land after the first visit, so reload until then.
  await untilVisibleAfterReloads(page, metrics);

  for (const metric of [
    'Deployment frequency',
    'Change lead time',
    'Change fail rate',
    'Failed deployment recovery time',
    'Deployment rework rate',
  ]) {
    const row = metrics.getByRole('row').filter({ hasText: metric });
    await expect(row).toHaveCount(1);
    // Every metric says its band in words and how many events it rests on.
    await expect(row).toContainText(/Elite|High|Medium|Low|No band/);
    await expect(row).toContainText(
      /n = \d+ (deployments?|changes?|incidents?)/,
    );
  }
  const frequency = metrics
    .getByRole('row')
    .filter({ hasText: 'Deployment frequency' });
  await expect(frequency).toContainText(/per day · [\d.]+ deploy days\/week/);
  await expect(frequency).toContainText(/Elite|High|Medium|Low/);
  // The weekly trend is a chart with the values as its name.
  await expect(
    frequency.getByRole('img', { name: /^Deployment frequency, / }),
  ).toBeVisible();
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: 'e2e/screenshots/dora-card.png',
    fullPage: true,
  });

  await page.getByRole('link', { name: 'Golden path', exact: true }).click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/component\/payments-api\/golden-path/,
  );
  await expect(
    page.getByRole('img', { name: /^Deployment frequency: / }),
  ).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText('Drift from the template')).toBeVisible();
  await expect(
    page.getByRole('group', { name: 'Filter files by drift' }),
  ).toBeVisible({ timeout: 60_000 });
  await page.screenshot({
    path: 'e2e/screenshots/golden-path-tab.png',
    fullPage: true,
  });
});
