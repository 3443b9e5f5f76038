/**
 * Reading nested blocks of synthesized resources: cdktf writes a single nested block as an object
 * and a repeated one as a list, and hand-written overrides may use either, so rules read both.
 */

/** Every block of a nested-block attribute, whether written as an object or a list. */
export function blocks(value: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(value)) return value.filter((v): v is Record<string, unknown> => !!v && typeof v === 'object');
  return value && typeof value === 'object' ? [value as Record<string, unknown>] : [];
}

/** The first (for a single nested block, the only) block of an attribute. */
export function block(value: unknown): Record<string, unknown> | undefined {
  return blocks(value)[0];
}
