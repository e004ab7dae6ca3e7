import { expect, test } from '@playwright/test';
import { cardTitled, untilVisibleAfterReloads } from '../support';

test('a developer creates a service from a golden path and it carries its provenance', async ({
  page,
}) => {
  const name = `orders-${Date.now().toString(36)}`;

  await page.goto('/create');
  await page.getByRole('button', { name: 'Enter' }).click();

  // The Node.js golden path, at its latest version.
  const card = cardTitled(page, 'Node.js service');
  await card.getByRole('button', { name: 'Choose' }).click();

  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  await page
    .getByRole('textbox', { name: 'Description' })
    .fill('Takes orders for the e2e test');
  const owner = page.getByRole('textbox', { name: 'Owner' });
  await owner.click();
  await owner.fill('payments');
  await page.getByRole('option').first().click();
  await page.getByRole('button', { name: 'Next' }).click();

  // Runtime: the defaults (port 8080, internal data) are fine.
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  // The task runs policy check, render, stamp, publish and register.
  const openInCatalog = page.getByRole('link', { name: 'Open in catalog' });
  await expect(openInCatalog).toBeVisible({ timeout: 90_000 });
  await page.screenshot({
    path: 'e2e/screenshots/create-task.png',
    fullPage: true,
  });
  await openInCatalog.click();

  // The catalog processes a new location asynchronously; like a user, reload
  // until the entity page has it.
  await untilVisibleAfterReloads(
    page,
    page.getByText('Golden path', { exact: true }),
  );
  await expect(page.getByRole('heading', { name })).toBeVisible();
  const goldenPath = cardTitled(page, 'Golden path');
  await expect(goldenPath.getByText('Node.js service').first()).toBeVisible();
  await expect(goldenPath.getByText('2.0.0').first()).toBeVisible();
  await page.screenshot({
    path: 'e2e/screenshots/create-entity.png',
    fullPage: true,
  });
});
