/**
 * Reads an environment folder (`environments/<env>/platform.yaml` and `tenants/*.yaml`), validates
 * every file against the schemas, checks what only the whole environment can tell (file names,
 * unique project ids, folders) and returns typed config, or throws one ConfigError listing every
 * problem. Nothing is synthesized from a config that fails here.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { didYouMean } from './did-you-mean';
import { ConfigError, type ConfigProblem } from './config-error';
import { zodIssuesToProblems } from './zod-problems';
import { grantHours, supportAccessCapHours } from './support-access';
import {
  PROJECT_ID_PATTERN,
  PROJECT_ID_RULE,
  platformSchema,
  tenantSchema,
  type PlatformConfig,
  type TenantConfig,
} from './schema';
import { tenantProjectId, platformProjectIds } from './naming';
import { createsProject, tenantLifecycle, type TenantLifecycle } from './lifecycle';
import { TenantDocumentCache, contentHash } from './tenant-document-cache';

export { createsProject };

export interface ResolvedTenant extends TenantConfig {
  /** The GCP project that holds this tenant's resources. */
  readonly projectId: string;
  /** The file it came from, relative to the project root when possible. */
  readonly sourceFile: string;
  /** What the lifecycle state means for every layer, computed once (config/lifecycle.ts). */
  readonly lifecycleView: TenantLifecycle;
}

/** The tenant in another lifecycle, its lifecycle view recomputed (spreading a new `lifecycle` alone would keep the old view). */
export function withLifecycle(tenant: ResolvedTenant, lifecycle: TenantConfig['lifecycle']): ResolvedTenant {
  return { ...tenant, lifecycle, lifecycleView: tenantLifecycle({ ...tenant, lifecycle }) };
}

/** A validated tenant with what the loader derives for it: project id, source file, lifecycle. */
export function resolveTenant(platform: Pick<PlatformConfig, 'projectPrefix'>, tenant: TenantConfig, sourceFile: string): ResolvedTenant {
  return { ...tenant, projectId: tenantProjectId(platform, tenant), sourceFile, lifecycleView: tenantLifecycle(tenant) };
}

export interface EnvironmentConfig {
  readonly name: string;
  readonly dir: string;
  readonly platform: PlatformConfig;
  /** Sorted by id, so synthesis order and output never depend on the file system. */
  readonly tenants: readonly ResolvedTenant[];
}

export const DEFAULT_ENVIRONMENTS_DIR = path.resolve(__dirname, '..', 'environments');

function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/** Reads one file's bytes, reporting an unreadable file as a problem. */
function readBytes(file: string, problems: ConfigProblem[]): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    problems.push({ file: displayPath(file), field: '(file)', message: `cannot be read: ${(e as Error).message}` });
    return undefined;
  }
}

/** Parses one YAML file, reporting syntax errors with line numbers as problems. */
function readYaml(file: string, problems: ConfigProblem[]): unknown {
  const bytes = readBytes(file, problems);
  return bytes === undefined ? undefined : parseYaml(file, bytes.toString('utf8'), problems);
}

function parseYaml(file: string, text: string, problems: ConfigProblem[]): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      problems.push({ file: displayPath(file), field: '(file)', message: `is not valid YAML: ${err.message.split('\n')[0]}` });
    }
    return undefined;
  }
  return doc.toJS();
}

function validate<S extends z.ZodTypeAny>(
  schema: S,
  raw: unknown,
  file: string,
  problems: ConfigProblem[],
): z.infer<S> | undefined {
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    if (raw !== undefined) {
      problems.push({ file: displayPath(file), field: '(top level)', message: 'expected a YAML mapping of fields' });
    }
    return undefined;
  }
  const result = schema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    problems.push(...zodIssuesToProblems(displayPath(file), schema, result.error));
    return undefined;
  }
  return result.data;
}

/** Validates one tenant document against the schema alone (used by onboarding before it writes). */
export function validateTenantDocument(raw: unknown, file: string): { tenant?: TenantConfig; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const tenant = validate(tenantSchema, raw, file, problems);
  return { tenant, problems };
}

/**
 * Loads and validates one environment. `extraTenants` lets onboarding validate a tenant that is
 * not yet written, with the same environment-wide checks, before it writes anything.
 */
export function loadEnvironment(
  envName: string,
  options: {
    environmentsDir?: string;
    extraTenants?: ReadonlyArray<{ file: string; raw: unknown }>;
    /** Folders with fewer tenant files are parsed every time (config/tenant-document-cache.ts). */
    cacheMinFiles?: number;
  } = {},
): EnvironmentConfig {
  const environmentsDir = options.environmentsDir ?? DEFAULT_ENVIRONMENTS_DIR;
  const dir = path.join(environmentsDir, envName);
  const problems: ConfigProblem[] = [];
  const platformFile = path.join(dir, 'platform.yaml');
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    const known = listEnvironments(environmentsDir);
    throw new ConfigError([
      {
        file: displayPath(dir),
        field: '(environment)',
        message: `environment "${envName}" does not exist; known environments: ${known.join(', ') || '(none)'}${didYouMean(envName, known)} (npm run new-environment creates one)`,
      },
    ]);
  }
  if (!fs.existsSync(platformFile)) {
    throw new ConfigError([
      { file: displayPath(platformFile), field: '(file)', message: 'is missing; every environment needs a platform.yaml' },
    ]);
  }
  const platform = validate(platformSchema, readYaml(platformFile, problems), platformFile, problems);
  if (platform && platform.environment !== envName) {
    problems.push({
      file: displayPath(platformFile),
      field: 'environment',
      message: `is "${platform.environment}" but the folder is environments/${envName}; they must match`,
    });
  }

  const tenantsDir = path.join(dir, 'tenants');
  const tenantFiles = fs.existsSync(tenantsDir)
    ? fs
        .readdirSync(tenantsDir)
        .filter((f) => !f.startsWith('.'))
        .sort()
        .map((f) => path.join(tenantsDir, f))
    : [];
  // A document is either validated already (an unchanged file, from the cache) or raw YAML to validate.
  const documents: Array<{ file: string; raw?: unknown; cached?: TenantConfig; sha256?: string }> = [];
  const cache = TenantDocumentCache.open(tenantsDir, tenantFiles.length, options.cacheMinFiles);
  for (const file of tenantFiles) {
    if (!/\.ya?ml$/.test(file)) {
      problems.push({ file: displayPath(file), field: '(file)', message: 'is not a .yaml file; tenants/ holds only tenant YAML files' });
      continue;
    }
    const bytes = readBytes(file, problems);
    if (bytes === undefined) continue;
    const sha256 = contentHash(bytes);
    const cached = cache.lookup(path.basename(file), sha256);
    documents.push(cached ? { file, cached } : { file, sha256, raw: parseYaml(file, bytes.toString('utf8'), problems) });
  }
  documents.push(...(options.extraTenants ?? []));

  const tenants: ResolvedTenant[] = [];
  const projectOwners = new Map<string, string>();
  if (platform) {
    for (const id of platformProjectIds(platform)) projectOwners.set(id, 'the platform');
  }
  for (const { file, raw, cached, sha256 } of documents) {
    const tenant = cached ?? validate(tenantSchema, raw, file, problems);
    if (!tenant) continue;
    if (!cached && sha256 !== undefined) cache.remember(path.basename(file), sha256, tenant);
    const expectedName = `${tenant.id}.yaml`;
    if (path.basename(file) !== expectedName) {
      problems.push({
        file: displayPath(file),
        field: 'id',
        message: `is "${tenant.id}" but the file is named ${path.basename(file)}; rename the file to ${expectedName}`,
      });
    }
    if (!platform) continue;
    const projectId = tenantProjectId(platform, tenant);
    if (!PROJECT_ID_PATTERN.test(projectId)) {
      problems.push({
        file: displayPath(file),
        field: tenant.warehouse.mode === 'customer' ? 'warehouse.projectId' : 'id',
        message: `gives project id "${projectId}" (${projectId.length} characters), which is not a valid GCP project id: ${PROJECT_ID_RULE}; choose a shorter id`,
      });
    }
    const owner = projectOwners.get(projectId);
    if (owner) {
      problems.push({
        file: displayPath(file),
        field: tenant.warehouse.mode === 'customer' ? 'warehouse.projectId' : 'id',
        message: `gives project id "${projectId}", already used by ${owner}; project ids must be unique within the environment (ISO-1)`,
      });
    } else {
      projectOwners.set(projectId, `tenant "${tenant.id}"`);
    }
    if (!platform.jurisdictions.includes(tenant.jurisdiction)) {
      // Every tenant, even one in its own project: the platform's folder, audit log and guardrails serve it.
      problems.push({
        file: displayPath(file),
        field: 'jurisdiction',
        message: `is ${tenant.jurisdiction}, which this environment does not serve; add ${tenant.jurisdiction} to jurisdictions in ${displayPath(platformFile)}, deploy platform-${platform.environment}, record tenantFolders.${tenant.jurisdiction} from its tenant_folders output, then add this tenant`,
      });
    } else if (createsProject(tenant) && !platform.tenantFolders[tenant.jurisdiction]) {
      problems.push({
        file: displayPath(platformFile),
        field: `tenantFolders.${tenant.jurisdiction}`,
        message: `is missing, but tenant "${tenant.id}" needs its ${tenant.jurisdiction} folder; deploy platform-${platform.environment} and record the folder id here from its tenant_folders output`,
      });
    }
    const cap = supportAccessCapHours(platform);
    tenant.supportAccess.forEach((g, i) => {
      if (grantHours(g) > cap) {
        problems.push({
          file: displayPath(file),
          field: `supportAccess[${i}].until`,
          message: `the ${g.scope} grant lasts ${Math.ceil(grantHours(g))} hours, over this environment's cap of ${cap} (support.maxAccessHours in ${displayPath(platformFile)}); grant it again with npm run support-access and an earlier --until`,
        });
      }
    });
    tenants.push(resolveTenant(platform, tenant, displayPath(file)));
  }
  const seen = new Set<string>();
  for (const t of tenants) {
    if (seen.has(t.id)) {
      problems.push({ file: t.sourceFile, field: 'id', message: `tenant "${t.id}" is defined twice; tenant ids must be unique` });
    }
    seen.add(t.id);
  }

  // Stored even when the environment has problems: each stored file validated on its own.
  cache.save();
  if (problems.length > 0 || !platform) throw new ConfigError(problems);
  tenants.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { name: envName, dir, platform, tenants };
}

export function listEnvironments(environmentsDir: string = DEFAULT_ENVIRONMENTS_DIR): string[] {
  if (!fs.existsSync(environmentsDir)) return [];
  return fs
    .readdirSync(environmentsDir)
    .filter((e) => fs.existsSync(path.join(environmentsDir, e, 'platform.yaml')))
    .sort();
}

/** Loads every environment, collecting the problems of all of them before failing. */
export function loadAllEnvironments(environmentsDir: string = DEFAULT_ENVIRONMENTS_DIR): EnvironmentConfig[] {
  const envs: EnvironmentConfig[] = [];
  const problems: ConfigProblem[] = [];
  for (const name of listEnvironments(environmentsDir)) {
    try {
      envs.push(loadEnvironment(name, { environmentsDir }));
    } catch (e) {
      if (e instanceof ConfigError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return envs;
}
