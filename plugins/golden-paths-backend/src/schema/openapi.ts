import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';

/**
 * Reads the plugin's OpenAPI document (`src/schema/openapi.yaml`, shipped with
 * the package), parsed, so the router can serve it as JSON.
 *
 * @internal
 */
export async function readOpenApiSpec(): Promise<Record<string, unknown>> {
  const path = resolvePackagePath(
    '@paved/backstage-plugin-golden-paths-backend',
    'src/schema/openapi.yaml',
  );
  return parseYaml(await readFile(path, 'utf8'));
}
