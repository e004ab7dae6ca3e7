import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';

/**
 * The "Golden path" card on a Component's overview
 * (extension id `entity-card:golden-paths/golden-path`).
 *
 * @alpha
 */
export const entityGoldenPathCard = EntityCardBlueprint.make({
  name: 'golden-path',
  params: {
    // Only Components are created from golden-path templates.
    filter: { kind: 'component' },
    loader: () =>
      import('../components/EntityGoldenPathCard').then(m => (
        <m.EntityGoldenPathCard />
      )),
  },
});

/**
 * The "Delivery (DORA)" card on a Component's overview
 * (extension id `entity-card:golden-paths/dora`).
 *
 * @alpha
 */
export const entityDoraCard = EntityCardBlueprint.make({
  name: 'dora',
  params: {
    filter: { kind: 'component' },
    loader: () =>
      import('../components/EntityDoraCard').then(m => <m.EntityDoraCard />),
  },
});
