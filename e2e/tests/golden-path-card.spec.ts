import { expect, test } from '@playwright/test';
import { cardTitled, untilVisibleAfterReloads } from '../support';

test('the golden path card shows each service its policy state and a way to upgrade', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/fraud-scoring');
  await page.getByRole('button', { name: 'Enter' }).click();

  const card = cardTitled(page, 'Golden path');
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

test('an exempt service shows its exemption with expiry and reason', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.goto('/catalog/default/component/events-pipeline');
  await page.getByRole('button', { name: 'Enter' }).click();
  const card = cardTitled(page, 'Golden path');
  // The demo grants this exemption once its services are in the catalog;
  // like a user, reload until the card shows it.
  await untilVisibleAfterReloads(
    page,
    card.getByText(/Exempt until \d{4}-\d{2}-\d{2}/).first(),
  );
  await expect(
    card.getByText(/Warehouse migration in progress/).first(),
  ).toBeVisible();
  await page.screenshot({
    path: 'e2e/screenshots/card-exempt.png',
    fullPage: true,
  });
});
