import { goldenPathsPlugin } from './plugin';

describe('golden-paths', () => {
  it('should export plugin', () => {
    expect(goldenPathsPlugin).toBeDefined();
  });
});
