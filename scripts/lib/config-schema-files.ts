/**
 * JSON Schemas of the config files, for editors: generated from the zod schemas in
 * config/schema.ts (the only place the rules live) and committed under schemas/, and the
 * `# yaml-language-server: $schema=...` line that ties every config file to its schema.
 *
 * What a JSON Schema can say and zod's `z.toJSONSchema` renders: types, required and unknown
 * keys, enums, literals, regex patterns, lengths, the warehouse union and `tenantFolders`' keys.
 * What it cannot: the `refine`/`superRefine` rules (unique lists, a real calendar date, region
 * inside the jurisdiction, cross-field rules); those stay the loader's, so an editor accepts a
 * few files the loader still rejects, never the other way round.
 */
import * as path from 'path';
import { z } from 'zod';
import { platformSchema, tenantSchema } from '../../config/schema';

export const SCHEMAS_DIR = path.resolve(__dirname, '..', '..', 'schemas');

export type ConfigFileKind = 'platform' | 'tenant';

interface ConfigSchemaFile {
  /** File name under schemas/. */
  readonly fileName: string;
  readonly zod: z.ZodType;
  /** The zod schema's name in config/schema.ts, for the description. */
  readonly source: string;
  readonly title: string;
  /** The schema seen from a config file of this kind in the layout environments/<env>/... */
  readonly fromConfigFile: string;
}

export const CONFIG_SCHEMA_FILES: Readonly<Record<ConfigFileKind, ConfigSchemaFile>> = {
  platform: {
    fileName: 'platform.schema.json',
    zod: platformSchema,
    source: 'platformSchema',
    title: 'environments/<env>/platform.yaml',
    fromConfigFile: '../../schemas/platform.schema.json',
  },
  tenant: {
    fileName: 'tenant.schema.json',
    zod: tenantSchema,
    source: 'tenantSchema',
    title: 'environments/<env>/tenants/<id>.yaml',
    fromConfigFile: '../../../schemas/tenant.schema.json',
  },
};

export const CONFIG_FILE_KINDS = Object.keys(CONFIG_SCHEMA_FILES) as ConfigFileKind[];

/**
 * The JSON Schema of one kind of config file. Draft-07, since that is the draft the VS Code YAML
 * extension (yaml-language-server) validates (https://github.com/redhat-developer/vscode-yaml/issues/704);
 * `io: 'input'` because a YAML file is the input: fields with a default are optional in it.
 */
export function configJsonSchema(kind: ConfigFileKind): Record<string, unknown> {
  const file = CONFIG_SCHEMA_FILES[kind];
  // unrepresentable: 'throw' (the default) so a new zod type without a JSON Schema form fails the
  // generator instead of silently allowing anything; refinements are skipped by zod either way.
  const { $schema, ...rest } = z.toJSONSchema(file.zod, { target: 'draft-07', io: 'input', unrepresentable: 'throw' });
  return {
    $schema,
    // Relative: resolved against where the editor loaded the schema from, it names this very file.
    $id: file.fileName,
    title: file.title,
    description: [
      `Generated from ${file.source} in config/schema.ts by \`npm run config-schemas\`; do not edit.`,
      'Rules written as refinements (unique lists, calendar dates, region inside the jurisdiction,',
      'cross-field rules) are not in this schema: the config loader checks them at synthesis.',
    ].join(' '),
    ...rest,
  };
}

/** The committed file's text: pretty-printed, keys in the schema's order, one final newline. */
export function configSchemaText(kind: ConfigFileKind): string {
  return `${JSON.stringify(configJsonSchema(kind), null, 2)}\n`;
}

/**
 * The comment (without `#`) that the first line of every config file of this kind carries, so
 * the YAML language server validates and completes it. The path assumes the repository layout
 * (environments/<env>/platform.yaml, environments/<env>/tenants/<id>.yaml).
 */
export function schemaModeline(kind: ConfigFileKind): string {
  return ` yaml-language-server: $schema=${CONFIG_SCHEMA_FILES[kind].fromConfigFile}`;
}
