import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';

/**
 * The "Golden path" tab of a Component at `/golden-path`: DORA trends,
 * environments and drift (extension id `entity-content:golden-paths/golden-path`).
 *
 * @alpha
 */
export const entityGoldenPathContent = EntityContentBlueprint.make({
  name: 'golden-path',
  params: {
    path: '/golden-path',
    title: 'Golden path',
    filter: { kind: 'component' },
    loader: () =>
      import('../components/EntityGoldenPathContent').then(m => (
        <m.EntityGoldenPathContent />
      )),
  },
});
