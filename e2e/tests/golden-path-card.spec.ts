import { expect, test } from '@playwright/test';

test('the golden path card shows each service its policy state and a way to upgrade', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/fraud-scoring');
  await page.getByRole('button', { name: 'Enter' }).click();

  const card = page.locator('[class*="MuiCard-root"]').filter({
    has: page.getByText('Golden path', { exact: true }),
  });
  // python-service 1.0.0 is below the minimum 1.1.0 and past the block date.
  await expect(card.getByText('Blocked').first()).toBeVisible({
    timeout: 60_000,
  });
  await expect(
    card.getByText(/below the minimum supported version 1\.1\.0/).first(),
  ).toBeVisible();
  await page.screenshot({
    path: 'e2e/screenshots/card-blocked.png',
    fullPage: true,
  });

  // payments-api is warned until its block date, and can be upgraded.
  await page.goto('/catalog/default/component/payments-api');
  await expect(
    card.getByText(/Warning: blocks on 2027-01-31/).first(),
  ).toBeVisible({
    timeout: 60_000,
  });
  await expect(card.getByText('Breaking').first()).toBeVisible();
  const upgrade = card.getByRole('button', { name: /Upgrade/ });
  await expect(upgrade).toHaveAttribute(
    'href',
    /\/create\/templates\/default\/upgrade-service\?formData=/,
  );
  await page.screenshot({
    path: 'e2e/screenshots/card-warn.png',
    fullPage: true,
  });

  await upgrade.click();
  await expect(
    page.getByText('Upgrade a service to a newer golden-path version').first(),
  ).toBeVisible();
});
