/**
 * The e2e portal's own copy of the Node.js golden path, as `journey-service`,
 * under data/e2e/templates, so a journey can publish a new major version of it
 * without touching the repository's templates or the other journeys' services.
 *
 *   yarn tsx e2e/journeyTemplate.ts prepare   (scripts/e2e.sh, before start)
 *   publishMajor() from a spec                (the platform engineer's release)
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const SOURCE = path.join(ROOT, 'templates', 'node-service');

/** Where the copy lives: the e2e data folder, wiped on every e2e run. */
export const journeyTemplateDir = path.join(
  process.env.PAVED_E2E_DATA ?? path.join(ROOT, 'data', 'e2e'),
  'templates',
  'journey-service',
);

export const JOURNEY_TEMPLATE_REF = 'template:default/journey-service';
export const JOURNEY_TEMPLATE_TITLE = 'Journey service (e2e)';

function replaceOnce(text: string, from: string | RegExp, to: string) {
  const next = text.replace(from, to);
  if (next === text) {
    throw new Error(`journey template: '${from}' not found in template.yaml`);
  }
  return next;
}

/** Copies node-service to journey-service at 2.0.0. */
export function prepareJourneyTemplate() {
  fs.rmSync(journeyTemplateDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(journeyTemplateDir), { recursive: true });
  fs.cpSync(SOURCE, journeyTemplateDir, { recursive: true });
  const file = path.join(journeyTemplateDir, 'template.yaml');
  let text = fs.readFileSync(file, 'utf8');
  text = replaceOnce(
    text,
    /^  name: node-service$/m,
    '  name: journey-service',
  );
  text = replaceOnce(
    text,
    /^  title: Node\.js service$/m,
    `  title: ${JOURNEY_TEMPLATE_TITLE}`,
  );
  fs.writeFileSync(file, text);
}

const day = (offsetDays: number) =>
  new Date(Date.now() + offsetDays * 24 * 60 * 60 * 1000)
    .toISOString()
    .slice(0, 10);

/**
 * Publishes 3.0.0 the way the template's header says: a new versions/3.0.0,
 * the version annotation, the changelog, and a policy that warns everyone
 * below 3.0.0 from today and blocks them in 30 days. Returns the block date.
 */
export function publishMajor(): { version: string; blockDate: string } {
  const version = '3.0.0';
  const versions = path.join(journeyTemplateDir, 'versions');
  fs.cpSync(path.join(versions, '2.0.0'), path.join(versions, version), {
    recursive: true,
  });
  const manifest = path.join(versions, version, 'paved.yaml');
  let paved = fs.readFileSync(manifest, 'utf8');
  paved = replaceOnce(paved, /^version: 2\.0\.0$/m, `version: ${version}`);
  paved = replaceOnce(paved, /^date: .*$/m, `date: ${day(0)}`);
  paved = paved.replace(/^renames:\n(?: .*\n)*/m, '');
  fs.writeFileSync(manifest, paved);

  const blockDate = day(30);
  const file = path.join(journeyTemplateDir, 'template.yaml');
  let text = fs.readFileSync(file, 'utf8');
  text = replaceOnce(
    text,
    "backstage.io/template-version: '2.0.0'",
    `backstage.io/template-version: '${version}'`,
  );
  text = replaceOnce(
    text,
    /paved\.dev\/policy-minimum-version: '.*'/,
    `paved.dev/policy-minimum-version: '${version}'`,
  );
  text = replaceOnce(
    text,
    /paved\.dev\/policy-warn-date: '.*'/,
    `paved.dev/policy-warn-date: '${day(0)}'`,
  );
  text = replaceOnce(
    text,
    /paved\.dev\/policy-block-date: '.*'/,
    `paved.dev/policy-block-date: '${blockDate}'`,
  );
  text = replaceOnce(
    text,
    '    paved.dev/changelog: |\n',
    `    paved.dev/changelog: |\n      - version: ${version}\n        date: ${day(
      0,
    )}\n        breaking: true\n        changes:\n          - 'BREAKING: the e2e journey release'\n`,
  );
  text = text.replace(
    /\.\/versions\/2\.0\.0\/skeleton/g,
    `./versions/${version}/skeleton`,
  );
  fs.writeFileSync(file, text);
  return { version, blockDate };
}

if (require.main === module && process.argv[2] === 'prepare') {
  prepareJourneyTemplate();
  // eslint-disable-next-line no-console
  console.log(`Prepared ${journeyTemplateDir}`);
}
