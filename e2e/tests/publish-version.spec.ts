import { expect, test } from '@playwright/test';
import {
  BACKEND,
  cardTitled,
  guestHeaders,
  untilVisibleAfterReloads,
} from '../support';
import {
  JOURNEY_TEMPLATE_REF,
  JOURNEY_TEMPLATE_TITLE,
  publishMajor,
} from '../journeyTemplate';

test('a platform engineer publishes a new major version: the card warns and the owner is notified', async ({
  page,
  request,
}) => {
  test.setTimeout(420_000);
  const headers = await guestHeaders(request);
  const name = `journey-${Date.now().toString(36)}`;

  // A service of the platform team (the guest's team) on journey-service 2.0.0.
  await expect
    .poll(
      async () =>
        (
          await request.get(
            `${BACKEND}/api/catalog/entities/by-name/template/default/journey-service`,
            { headers },
          )
        ).status(),
      { timeout: 120_000 },
    )
    .toBe(200);
  const task = await request.post(`${BACKEND}/api/scaffolder/v2/tasks`, {
    headers,
    data: {
      templateRef: JOURNEY_TEMPLATE_REF,
      values: {
        name,
        description: 'Created by the publish-a-new-version journey',
        owner: 'group:default/platform-team',
        lifecycle: 'experimental',
        port: 8080,
        dataClassification: 'internal',
      },
    },
  });
  expect(task.status()).toBe(201);
  const { id } = await task.json();
  await expect
    .poll(
      async () =>
        (
          await (
            await request.get(`${BACKEND}/api/scaffolder/v2/tasks/${id}`, {
              headers,
            })
          ).json()
        ).status,
      { timeout: 120_000 },
    )
    .toBe('completed');

  await page.goto(`/catalog/default/component/${name}`);
  await page.getByRole('button', { name: 'Enter' }).click();
  const card = cardTitled(page, 'Golden path');
  await untilVisibleAfterReloads(page, card.getByText('Compliant').first());

  // The platform engineer releases 3.0.0: services below it warn from today.
  const { version, blockDate } = publishMajor();
  const refresh = await request.post(`${BACKEND}/api/catalog/refresh`, {
    headers,
    data: { entityRef: JOURNEY_TEMPLATE_REF },
  });
  expect(refresh.ok()).toBe(true);
  // The registry reads templates every minute in the demo config.
  await expect
    .poll(
      async () => {
        const res = await request.get(`${BACKEND}/api/golden-paths/templates`, {
          headers,
        });
        const items: Array<{ templateRef: string; latestVersion?: string }> = (
          await res.json()
        ).items;
        return items.find(t => t.templateRef === JOURNEY_TEMPLATE_REF)
          ?.latestVersion;
      },
      { timeout: 180_000, intervals: [5_000] },
    )
    .toBe(version);
  const sweep = await request.post(`${BACKEND}/api/golden-paths/admin/sweep`, {
    headers,
  });
  expect(sweep.ok()).toBe(true);

  await page.reload();
  await expect(
    card.getByText(`Warning: blocks on ${blockDate}`).first(),
  ).toBeVisible({ timeout: 60_000 });
  await expect(card.getByText('Breaking').first()).toBeVisible();
  await page.screenshot({
    path: 'e2e/screenshots/journey-published-warn.png',
    fullPage: true,
  });

  // The owners hear of it in their notifications.
  await page.goto('/notifications');
  await untilVisibleAfterReloads(
    page,
    page
      .getByText(`${name} is behind ${JOURNEY_TEMPLATE_TITLE} ${version}`)
      .first(),
  );
  await page.screenshot({
    path: 'e2e/screenshots/journey-notification.png',
    fullPage: true,
  });
});
