import { compareVersions } from './semver';
import { TemplateSummary, TemplateVersion } from './types';

/**
 * Groups registry versions into one summary per template, versions oldest
 * first by semver (not by when they were seen), the newest giving the title.
 *
 * @public
 */
export function summarizeTemplates<V extends TemplateVersion>(
  versions: Iterable<V>,
): Array<TemplateSummary & { versions: V[] }> {
  const byTemplate = new Map<string, V[]>();
  for (const version of versions) {
    const list = byTemplate.get(version.templateRef);
    if (list) list.push(version);
    else byTemplate.set(version.templateRef, [version]);
  }
  return [...byTemplate.entries()].map(([templateRef, list]) => {
    const sorted = [...list].sort((a, b) =>
      compareVersions(a.version, b.version),
    );
    const latest = sorted[sorted.length - 1];
    return {
      templateRef,
      title: latest.title,
      latestVersion: latest.version,
      versions: sorted,
    };
  });
}
