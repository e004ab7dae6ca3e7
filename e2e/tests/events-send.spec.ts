import { expect, test } from '@playwright/test';
import { cardTitled, paved } from '../support';

// The Paved component itself: in the catalog, but with no demo DORA history.
const service = 'component:default/paved';

const send = (args: string[]) => paved(['events', 'send', ...args]);

const hoursAgo = (h: number) =>
  new Date(Date.now() - h * 60 * 60 * 1000).toISOString();

test('deployments and an incident sent with paved events send show up in the DORA card', async ({
  page,
}) => {
  const run = Date.now().toString(36);
  // Six production deployments over the last six days, each staged first.
  for (let day = 6; day >= 1; day--) {
    const version = `0.${7 - day}.0`;
    const staged = send([
      'deployment',
      '--entity',
      service,
      '--environment',
      'staging',
      '--version',
      version,
      '--id',
      `paved-${run}-staging-${day}`,
      '--at',
      hoursAgo(day * 24 + 2),
    ]);
    expect(staged.output).toContain('stored');
    const deployed = send([
      'deployment',
      '--entity',
      service,
      '--environment',
      'production',
      '--version',
      version,
      '--id',
      `paved-${run}-prod-${day}`,
      '--at',
      hoursAgo(day * 24),
    ]);
    expect(deployed.code).toBe(0);
    expect(deployed.output).toContain('stored');
  }
  // A retried pipeline step sends the same deployment again: it counts once.
  const retried = send([
    'deployment',
    '--entity',
    service,
    '--environment',
    'production',
    '--version',
    '0.6.0',
    '--id',
    `paved-${run}-prod-1`,
    '--at',
    hoursAgo(24),
  ]);
  expect(retried.code).toBe(0);
  expect(retried.output).toContain('duplicate');
  // The 0.3.0 deployment caused an incident an hour after it finished,
  // resolved two hours after that.
  const incident = send([
    'incident',
    '--entity',
    service,
    '--id',
    `paved-${run}-inc-1`,
    '--started-at',
    hoursAgo(4 * 24 - 1),
    '--resolved-at',
    hoursAgo(4 * 24 - 3),
    '--deployment',
    `paved-${run}-prod-4`,
  ]);
  expect(incident.code).toBe(0);

  await page.goto('/catalog/default/component/paved');
  await page.getByRole('button', { name: 'Enter' }).click();
  const card = cardTitled(page, 'Delivery (DORA)');
  const metrics = card.getByRole('table', { name: 'DORA metrics' });
  await expect(metrics.getByText('n = 6 deployments').first()).toBeVisible({
    timeout: 60_000,
  });
  // One of six deployments failed (16.7%). Recovery counts from the failed
  // deployment's finish (96 h ago) to the resolution (93 h ago): 3 hours.
  await expect(metrics.getByText(/16\.7%/).first()).toBeVisible();
  await expect(metrics.getByText(/\b3 h median/).first()).toBeVisible();
  await page.screenshot({
    path: 'e2e/screenshots/journey-dora-card.png',
    fullPage: true,
  });
});
