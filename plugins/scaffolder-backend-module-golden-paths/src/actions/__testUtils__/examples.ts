/**
 * Stands in for the scaffolder's rendering of the expressions the examples
 * use: `${{ parameters }}` becomes the whole object, a value that is exactly
 * `${{ parameters.x }}` keeps x's type, and `${{ parameters.x }}` inside a
 * longer string is replaced as text. Each example then runs as written.
 */
export function renderParameters(
  value: unknown,
  parameters: Record<string, unknown>,
): unknown {
  if (typeof value === 'string') {
    if (/^\$\{\{\s*parameters\s*\}\}$/.test(value)) return parameters;
    const whole = value.match(/^\$\{\{\s*parameters\.(\w+)\s*\}\}$/);
    if (whole) return parameters[whole[1]];
    return value.replace(/\$\{\{\s*parameters\.(\w+)\s*\}\}/g, (_, key) =>
      String(parameters[key]),
    );
  }
  if (Array.isArray(value))
    return value.map(v => renderParameters(v, parameters));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        renderParameters(v, parameters),
      ]),
    );
  }
  return value;
}
