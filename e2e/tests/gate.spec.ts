import { expect, test } from '@playwright/test';
import { BACKEND, guestHeaders, paved } from '../support';

const service = 'component:default/fraud-scoring';

const gate = (entityRef: string) => paved(['gate', entityRef]);

test('paved gate blocks a service past its block date and allows it after an exemption', async ({
  request,
}) => {
  // The demo services are seeded shortly after start; wait for the gate to know it.
  await expect
    .poll(() => gate(service).code, { timeout: 90_000, intervals: [2_000] })
    .not.toBe(2);

  const blocked = gate(service);
  expect(blocked.code).toBe(1);
  expect(blocked.output).toContain(
    'block: component:default/fraud-scoring may not deploy',
  );
  expect(blocked.output).toContain('below the minimum supported version 1.1.0');

  // The guest is in the platform team, so it may grant an exemption.
  const headers = await guestHeaders(request);
  const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
  const created = await request.post(`${BACKEND}/api/golden-paths/exemptions`, {
    headers,
    data: {
      entityRef: service,
      reason: 'Migration to 2.0.0 planned for sprint 48',
      expiresAt,
    },
  });
  expect(created.status()).toBe(201);
  const exemption = await created.json();

  const allowed = gate(service);
  expect(allowed.code).toBe(0);
  expect(allowed.output).toContain(
    'allow: component:default/fraud-scoring may deploy',
  );

  const revoked = await request.delete(
    `${BACKEND}/api/golden-paths/exemptions/${exemption.exemption.id}`,
    { headers },
  );
  expect(revoked.ok()).toBe(true);
  expect(gate(service).code).toBe(1);
});
