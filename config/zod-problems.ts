/** Turns zod issues into ConfigProblems that say what was wrong and what is allowed. */
import type { z } from 'zod';
import type { ConfigProblem } from './config-error';

export function formatFieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

/** The keys an object schema accepts at `path`, if the path leads to an object schema. */
function allowedKeysAt(schema: z.ZodTypeAny, path: readonly PropertyKey[]): string[] | undefined {
  let current: unknown = schema;
  const unwrap = (s: unknown): unknown => {
    // Walk through wrappers (default, optional, pipe, refinements) to the underlying schema.
    for (let i = 0; i < 10 && s; i++) {
      const def = (s as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
      if (!def) return s;
      if (def.innerType) s = def.innerType;
      else if (def.type === 'pipe' && def.in) s = def.in;
      else return s;
    }
    return s;
  };
  current = unwrap(current);
  for (const key of path) {
    const def = (current as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
    if (!def) return undefined;
    if (def.type === 'object' && typeof key === 'string') {
      current = unwrap((def.shape as Record<string, unknown>)[key]);
    } else if (def.type === 'array' && typeof key === 'number') {
      current = unwrap(def.element);
    } else {
      return undefined;
    }
  }
  const def = (current as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
  if (def?.type === 'object') return Object.keys(def.shape as Record<string, unknown>);
  if (def?.type === 'record') {
    const keyDef = (def.keyType as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
    if (keyDef?.type === 'enum') return Object.values(keyDef.entries as Record<string, string>);
  }
  if (def?.type === 'union' && Array.isArray(def.options)) {
    const keys = new Set<string>();
    for (const option of def.options as unknown[]) {
      const od = (unwrap(option) as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
      if (od?.type === 'object') Object.keys(od.shape as Record<string, unknown>).forEach((k) => keys.add(k));
    }
    return [...keys];
  }
  return undefined;
}

export function zodIssuesToProblems(file: string, schema: z.ZodTypeAny, error: z.ZodError): ConfigProblem[] {
  return error.issues.map((issue) => {
    const field = formatFieldPath(issue.path);
    let message = issue.message;
    switch (issue.code) {
      case 'invalid_value': {
        const values = (issue as { values?: unknown[] }).values ?? [];
        const got = inputOf(issue);
        message = `${got === undefined ? 'missing value' : `got ${JSON.stringify(got)}`}; allowed: ${values
          .map((v) => String(v))
          .join(', ')}`;
        break;
      }
      case 'unrecognized_keys': {
        const keys = (issue as { keys?: string[] }).keys ?? [];
        const allowed = allowedKeysAt(schema, issue.path);
        message = `unknown key${keys.length === 1 ? '' : 's'} ${keys.map((k) => `"${k}"`).join(', ')}; remove ${
          keys.length === 1 ? 'it' : 'them'
        } or fix the spelling${allowed ? ` (allowed keys: ${allowed.join(', ')})` : ''}`;
        break;
      }
      case 'invalid_type': {
        const expected = (issue as { expected?: string }).expected;
        const got = inputOf(issue);
        message =
          got === undefined
            ? `is required (expected ${expected})`
            : `expected ${expected}, got ${Array.isArray(got) ? 'a list' : typeof got} ${JSON.stringify(got)}${
                expected === 'string' && (typeof got === 'number' || typeof got === 'boolean')
                  ? ` (YAML read it as a ${typeof got}; put it in quotes: "${String(got)}")`
                  : ''
              }`;
        break;
      }
      case 'invalid_union': {
        const discriminator = (issue as { note?: string }).note;
        message = discriminator ? `${issue.message} (${discriminator})` : issue.message;
        break;
      }
      default: {
        const got = inputOf(issue);
        if (issue.code !== 'custom' && got !== undefined && typeof got !== 'object') {
          message = `${issue.message}; got ${JSON.stringify(got)}`;
        }
      }
    }
    return { file, field, message };
  });
}

/** The offending value: zod keeps it on the issue when parsing with `reportInput: true`. */
function inputOf(issue: z.core.$ZodIssue): unknown {
  return (issue as { input?: unknown }).input;
}
