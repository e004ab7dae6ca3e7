import {
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';

/**
 * Where the plugin reads the time. Policy dates and exemption expiries flip
 * states at exact instants, so tests pin the clock to prove it.
 *
 * @internal
 */
export type Clock = {
  now(): Date;
};

/**
 * The real time.
 *
 * @internal
 */
export const systemClock: Clock = { now: () => new Date() };

/**
 * The plugin's clock: the system clock unless a test provides a factory for
 * this ref. Not exported from the package, so it is no public config.
 *
 * @internal
 */
export const clockServiceRef = createServiceRef<Clock>({
  id: 'golden-paths.clock',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {},
      factory: () => systemClock,
    }),
});
