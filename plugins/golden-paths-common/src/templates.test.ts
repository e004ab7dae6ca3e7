import { summarizeTemplates } from './templates';

const seen = (templateRef: string, version: string, title = 'T') => ({
  templateRef,
  version,
  title,
  firstSeenAt: '2026-11-01T00:00:00.000Z',
});

describe('summarizeTemplates', () => {
  it('groups by template and orders versions by semver, not by arrival', () => {
    const [node, python] = summarizeTemplates([
      seen('template:default/node', '1.10.0', 'Node (new)'),
      seen('template:default/python', '2.0.0'),
      seen('template:default/node', '1.9.0', 'Node (old)'),
      seen('template:default/node', '2.0.0-rc.1', 'Node (rc)'),
    ]);
    expect(node.versions.map(v => v.version)).toEqual([
      '1.9.0',
      '1.10.0',
      '2.0.0-rc.1',
    ]);
    expect(node).toMatchObject({
      latestVersion: '2.0.0-rc.1',
      title: 'Node (rc)',
    });
    expect(python).toMatchObject({
      templateRef: 'template:default/python',
      latestVersion: '2.0.0',
    });
  });

  it('is empty for an empty registry', () => {
    expect(summarizeTemplates([])).toEqual([]);
  });
});
