/**
 * Onboarding a tenant: from command-line flags to a validated tenant file. The flags only shape
 * the document; every rule about its content is the config schema's and the loader's (the same
 * ones the stacks use), and their problems are reported against the flag that set the field.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Document, parse, visit } from 'yaml';
import { ConfigError, type ConfigProblem } from '../../config/config-error';
import { CONVERSION_DESTINATIONS, GOOGLE_DENIED_CONSENT, INTEGRATIONS, LLM_SUPPORT, SOURCES } from '../../config/catalog';
import { JURISDICTIONS, JURISDICTION_RULES, type Jurisdiction } from '../../config/jurisdictions';
import { listEnvironments, loadEnvironment, validateTenantDocument, type EnvironmentConfig, type ResolvedTenant } from '../../config/loader';
import { tenantSecretIds } from '../../config/naming';
import { TENANT_ID_PATTERN } from '../../config/schema';
import { copiedImagesRecord, imageCopyCommands, pullsFromTenantCopy, tenantRepositoryPrefix, usedImageKeys } from '../../config/relay-images';
import type { PlatformConfig } from '../../config/schema';
import { waitingWorkloads } from '../../config/workload-secrets';
import { listFlag, stringFlag, type CommandSpec, type FlagValues } from './cli';
import { schemaModeline } from './config-schema-files';
import { displayPath, ENVIRONMENTS_DIR_FLAG, ENV_FLAG } from './paths';
import { unknownEnvironmentProblem } from './tenant-target';

/** `--warehouse` forms and the schema's warehouse they stand for (DPA A.7, HAND-2, DPA 10.2). */
export const WAREHOUSE_FORMS = ['smart-segments', 'customer:<gcp-project-id>', 'handover:<gcp-project-id>'] as const;

export const ONBOARD_SPEC: CommandSpec = {
  usage: [
    'npm run onboard -- --env <env> --tenant <id> --name "<display name>" --jurisdiction <EEA|UK|CH|AU>',
    '    --security-contact <email> [--region <region>] [--privacy-contact <email>]',
    '    [--sources <list>] [--integrations <list>] [--conversion <list>] [--google-denied <drop|modeled>]',
    '    [--warehouse <mode>] [--mcp] [--llm-support <allowed|restricted>] [--environments-dir <dir>]',
  ],
  summary: [
    'Adds a tenant: validates the flags with the config schema and loader the stacks use, synthesizes',
    'only the tenant\'s stack (tenant-<env>-<id>) with the platform stack, checks that the change applies',
    'in one step (the transition checks of npm run plan-check, against the platform stack as it is), then',
    'writes environments/<env>/tenants/<id>.yaml atomically and prints the command that deploys it.',
    'On any problem it writes nothing.',
    'Lists are comma-separated, for example --integrations mailchimp,xero.',
  ].join('\n'),
  flags: [
    ENV_FLAG,
    {
      name: 'tenant',
      type: 'string',
      value: '<id>',
      required: true,
      description:
        'Tenant id: lowercase letters, digits and single hyphens, starting with a letter.\nIt names the file, the stack and the project <projectPrefix>-<id> (at most 30 characters).',
    },
    { name: 'name', type: 'string', value: '"<display name>"', required: true, description: "The customer's name as shown on its project (at most 100 characters)." },
    {
      name: 'jurisdiction',
      type: 'string',
      value: `<${JURISDICTIONS.join('|')}>`,
      required: true,
      description: 'Where the customer is established; decides where its data may live (RES-1).',
    },
    {
      name: 'region',
      type: 'string',
      value: '<region>',
      description: `Google Cloud region inside the jurisdiction. Default per jurisdiction: ${JURISDICTIONS.map(
        (j) => `${j} ${JURISDICTION_RULES[j].defaultRegion}`,
      ).join(', ')}.`,
    },
    { name: 'security-contact', type: 'string', value: '<email>', required: true, description: 'Receives breach and security notices (DPA 8.1).' },
    { name: 'privacy-contact', type: 'string', value: '<email>', description: 'Receives legal and privacy notices. Default: the security contact.' },
    { name: 'sources', type: 'string', value: '<list>', description: `Source systems: ${SOURCES.join(', ')}. Default: none.` },
    { name: 'integrations', type: 'string', value: '<list>', description: `Integrations the customer activates (DPA A.8-A.10):\n${INTEGRATIONS.join(', ')}. Default: none.` },
    {
      name: 'conversion',
      type: 'string',
      value: '<list>',
      description: `Turns on conversion tracking (DPA Section C) to these destinations: ${CONVERSION_DESTINATIONS.join(', ')}.\nNeeds roller among --sources. Default: off.`,
    },
    {
      name: 'google-denied',
      type: 'string',
      value: `<${GOOGLE_DENIED_CONSENT.join('|')}>`,
      description: "The customer's election when Google ad_user_data consent is denied (DPA C.4).\nRequired with --conversion google-ads; not allowed without it.",
    },
    {
      name: 'warehouse',
      type: 'string',
      value: '<mode>',
      description: [
        'Where the BigQuery warehouse lives (DPA A.7). Default: smart-segments.',
        '  smart-segments             a project Smart Segments creates and owns: <projectPrefix>-<id>',
        "  customer:<gcp-project-id>  the customer's own existing project; nothing project-wide is",
        '                             created or changed there (HAND-2)',
        '  handover:<gcp-project-id>  a dedicated project Smart Segments creates with that id for the',
        '                             customer to take over later (DPA 10.2, HAND-1)',
      ].join('\n'),
    },
    { name: 'mcp', type: 'boolean', description: 'Turns on the MCP endpoint for the customer. Default: off.' },
    {
      name: 'llm-support',
      type: 'string',
      value: `<${LLM_SUPPORT.join('|')}>`,
      description: 'Whether support may use LLM assistance (DPA Annex II 14). Default: allowed;\nrestricted records the customer\'s written restriction (LLM-1).',
    },
    ENVIRONMENTS_DIR_FLAG,
  ],
  footer: [
    'Environment:',
    '  ENVIRONMENTS_DIR  default for --environments-dir',
    '  CDKTF_OUTDIR      synthesis output folder (default cdktf.out/ of this repository); only the new',
    '                    stack\'s folder and its manifest entry are added, other stacks are left as they are',
    '',
    'Exit status: 0 onboarded; 1 synthesis, the transition check or writing failed (nothing written);',
    '2 invalid flags or config (nothing written).',
    '',
    'Example:',
    '  npm run onboard -- --env example --tenant acme-leisure --name "Acme Leisure GmbH" \\',
    '    --jurisdiction EEA --region europe-west3 --security-contact security@acme.example \\',
    '    --sources roller --integrations mailchimp --conversion meta,google-ads --google-denied drop',
  ].join('\n'),
};

/** Schema field (dotted path prefix) -> the flag that sets it; the first matching prefix wins. */
const FIELD_FLAGS: ReadonlyArray<readonly [string, string]> = [
  ['id', '--tenant'],
  ['displayName', '--name'],
  ['jurisdiction', '--jurisdiction'],
  ['region', '--region'],
  ['sources', '--sources'],
  ['integrations', '--integrations'],
  ['conversionTracking.googleDeniedConsent', '--google-denied'],
  ['conversionTracking', '--conversion'],
  ['mcp', '--mcp'],
  ['llmSupport', '--llm-support'],
  ['warehouse', '--warehouse'],
  ['contacts.security', '--security-contact'],
  ['contacts.privacy', '--privacy-contact'],
];

/** The flag that sets a schema field such as `integrations[1]` or `contacts.security`. */
export function flagForField(field: string): string | undefined {
  for (const [prefix, flag] of FIELD_FLAGS) {
    if (field === prefix || field.startsWith(`${prefix}.`) || field.startsWith(`${prefix}[`)) return flag;
  }
  return undefined;
}

/** The tenant document the flags describe, in the schema's field order, plus flag-syntax problems. */
export function tenantDocumentFromFlags(values: FlagValues): { raw: Record<string, unknown>; problems: string[] } {
  const problems: string[] = [];
  const jurisdiction = stringFlag(values, 'jurisdiction');
  const region =
    stringFlag(values, 'region') ??
    ((JURISDICTIONS as readonly string[]).includes(jurisdiction ?? '') ? JURISDICTION_RULES[jurisdiction as Jurisdiction].defaultRegion : undefined);

  const destinations = listFlag(stringFlag(values, 'conversion'));
  const googleDenied = stringFlag(values, 'google-denied');
  if (googleDenied !== undefined && !(destinations ?? []).includes('google-ads')) {
    problems.push(
      `--google-denied ${JSON.stringify(googleDenied)}: applies only to the google-ads destination; add google-ads to --conversion or leave --google-denied out`,
    );
  }

  let warehouse: Record<string, unknown> = { mode: 'smart-segments' };
  const warehouseFlag = stringFlag(values, 'warehouse');
  if (warehouseFlag !== undefined && warehouseFlag !== 'smart-segments') {
    const m = /^(customer|handover):(.*)$/.exec(warehouseFlag);
    if (m) {
      warehouse = { mode: 'customer', projectId: m[2], provisionedBy: m[1] === 'customer' ? 'customer' : 'smart-segments' };
    } else {
      problems.push(`--warehouse: got ${JSON.stringify(warehouseFlag)}; allowed: ${WAREHOUSE_FORMS.join(', ')}`);
    }
  }

  const privacy = stringFlag(values, 'privacy-contact');
  const raw: Record<string, unknown> = {
    id: stringFlag(values, 'tenant'),
    displayName: stringFlag(values, 'name'),
    jurisdiction,
    region,
    sources: listFlag(stringFlag(values, 'sources')) ?? [],
    integrations: listFlag(stringFlag(values, 'integrations')) ?? [],
    conversionTracking:
      destinations === undefined
        ? { enabled: false }
        : { enabled: true, destinations, ...(googleDenied !== undefined ? { googleDeniedConsent: googleDenied } : {}) },
    mcp: { enabled: values.mcp === true },
    llmSupport: stringFlag(values, 'llm-support') ?? 'allowed',
    warehouse,
    contacts: { security: stringFlag(values, 'security-contact'), ...(privacy !== undefined ? { privacy } : {}) },
    // No secret has a value yet: the first deploy creates the secrets, not the workloads that mount them.
    populatedSecrets: [],
  };
  // Keep undefined out of the document (the schema then reports a missing field, not `undefined`).
  for (const [k, v] of Object.entries(raw)) if (v === undefined) delete raw[k];
  return { raw, problems };
}

/**
 * The tenant file's text: the document in block style with flow lists, under a header comment
 * whose first line ties the file to its JSON Schema for editors (docs/editor-support.md).
 */
export function renderTenantYaml(raw: Record<string, unknown>): string {
  const doc = new Document(raw);
  visit(doc, {
    Seq(_, node) {
      node.flow = true;
    },
  });
  const first = (doc.contents as { items?: Array<{ key: { commentBefore?: string } }> }).items?.[0];
  const header = [
    schemaModeline('tenant'),
    ` ${String(raw.displayName)} (${String(raw.jurisdiction)}, ${String(raw.region)}): onboarded with \`npm run onboard\`.`,
    " The customer's documented instruction (DPA 2.3), validated by config/schema.ts; change it by change request.",
  ].join('\n');
  if (first) first.key.commentBefore = header;
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** Problems in the order of the flags in --help (stable; problems of other files last). */
function inFlagOrder(problems: readonly string[]): string[] {
  const rank = (p: string) => {
    const i = ONBOARD_SPEC.flags.findIndex((f) => p.startsWith(`--${f.name}:`) || p.startsWith(`--${f.name} `));
    return i < 0 ? ONBOARD_SPEC.flags.length : i;
  };
  return problems.map((p, i) => ({ p, i })).sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i).map((x) => x.p);
}

export interface NewTenantPlan {
  readonly environment: EnvironmentConfig;
  readonly tenant: ResolvedTenant;
  /** Absolute path of the file to write. */
  readonly file: string;
  readonly text: string;
}

function sameFile(a: string, b: string): boolean {
  return path.resolve(process.cwd(), a) === path.resolve(process.cwd(), b);
}

/**
 * Validates a new tenant against its environment, as the loader will once the file exists, plus
 * what only onboarding knows: the environment exists and the tenant does not. Returns the plan, or
 * one message per problem, naming the flag where a flag set the field.
 */
export function planNewTenant(
  environmentsDir: string,
  values: FlagValues,
): { plan?: NewTenantPlan; problems: string[] } {
  const { raw, problems } = tenantDocumentFromFlags(values);
  const env = stringFlag(values, 'env') ?? '';
  const known = listEnvironments(environmentsDir);
  const envProblem = unknownEnvironmentProblem(environmentsDir, env, known);
  if (envProblem) problems.push(envProblem);
  const id = typeof raw.id === 'string' ? raw.id : '';
  // Only a well-formed id may become part of a path (no "../x"); the schema reports a bad one.
  const idIsSafe = TENANT_ID_PATTERN.test(id);
  const tenantsDir = path.join(environmentsDir, env, 'tenants');
  const file = path.join(tenantsDir, idIsSafe ? `${id}.yaml` : '(new tenant).yaml');
  let tenantExists = false;
  if (idIsSafe && known.includes(env)) {
    const existing = ['.yaml', '.yml'].map((ext) => path.join(tenantsDir, `${id}${ext}`)).find((f) => fs.existsSync(f));
    if (existing) {
      tenantExists = true;
      problems.push(`--tenant: tenant ${JSON.stringify(id)} already exists in environment ${JSON.stringify(env)} (${displayPath(existing)}); choose another id`);
    }
  }

  const text = renderTenantYaml(raw);
  // Validate what the file will hold, parsed back, so the file and the validated config are one.
  const written = parse(text) as unknown;
  const jurisdictionFlagFailed = (problemsSoFar: readonly ConfigProblem[]) =>
    stringFlag(values, 'region') === undefined && problemsSoFar.some((p) => flagForField(p.field) === '--jurisdiction');

  const reportOwn = (own: readonly ConfigProblem[]) => {
    const skipRegion = jurisdictionFlagFailed(own);
    for (const p of own) {
      const flag = flagForField(p.field);
      // Without --region the region comes from the jurisdiction; a bad jurisdiction is the one problem.
      if (skipRegion && flag === '--region') continue;
      problems.push(flag ? `${flag}: ${p.message}` : `${p.field}: ${p.message}`);
    }
  };

  let environment: EnvironmentConfig | undefined;
  if (known.includes(env) && !tenantExists) {
    try {
      environment = loadEnvironment(env, { environmentsDir, extraTenants: [{ file, raw: written }] });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      const own = e.problems.filter((p) => sameFile(p.file, displayPath(file)));
      reportOwn(own);
      for (const p of e.problems.filter((q) => !own.includes(q))) problems.push(`${p.file}: ${p.field}: ${p.message}`);
    }
  } else {
    // The environment cannot be loaded with this tenant; still report every problem of the flags.
    reportOwn(validateTenantDocument(written, file).problems);
  }
  if (problems.length > 0 || !environment) return { problems: inFlagOrder(problems) };
  const tenant = environment.tenants.find((t) => t.id === id);
  if (!tenant) throw new Error(`internal error: tenant ${id} validated but did not load`);
  return { plan: { environment, tenant, file, text }, problems: [] };
}

/**
 * What to do after onboarding: deploy (CI), then fill the secrets the tenant needs, after which its
 * workloads that mount them appear (they are not declared before, config/workload-secrets.ts). In a
 * customer's own project, also copy the relay images into the project's repository and record them
 * (config/relay-images.ts), after which its workloads appear.
 */
export function onboardingNextSteps(envName: string, tenant: ResolvedTenant, tenantStack: string, images: PlatformConfig['images']): string[] {
  const lines = [
    'Next: commit the file and open a change request. CI plans the new stack (the platform stack does not',
    "change when a tenant is added: the tenant's own project admits its contact domains) and, after merge,",
    'applies the reviewed plan. By hand, for one stack:',
    `  npx cdktf deploy ${tenantStack}`,
    'Deploys run in CI: they need Terraform and Google Cloud credentials, which development machines do not have.',
    ...customerProjectSteps(envName, tenant, images),
  ];
  const secrets = tenantSecretIds(tenant);
  if (secrets.length === 0) return lines;
  const waiting = waitingWorkloads(tenant)
    .filter((w) => w.secretIds.length > 0)
    .map((w) => w.accountId);
  return [
    ...lines,
    '',
    `Then fill the tenant's secrets (${secrets.join(', ')}): the first deploy creates them empty, and the`,
    `workloads that mount them (${waiting.join(', ')}) are created only once they are recorded as populated.`,
    'After the first deploy, list each secret with the exact command that adds its value, add every value',
    '(someone with Secret Manager Secret Version Adder on the project; the value goes on standard input, never',
    'into Terraform), then record them and deploy again:',
    `  npm run secrets -- --env ${envName} --tenant ${tenant.id}`,
    `  printf '%s' "$VALUE" | gcloud secrets versions add ${secrets[0]} --project=${tenant.projectId} --data-file=-`,
    `  npm run secrets -- --env ${envName} --tenant ${tenant.id} --record all`,
  ];
}

/** A customer's own project (HAND-2): its prerequisites, and the copy of the relay images its workloads wait for. */
function customerProjectSteps(envName: string, tenant: ResolvedTenant, images: PlatformConfig['images']): string[] {
  if (!pullsFromTenantCopy(tenant)) return [];
  const lines = [
    '',
    `Project ${tenant.projectId} is the customer's own (HAND-2). Before the first deploy the customer enables the`,
    "APIs, creates their service agents and grants the deployers what DEP-PERM lists as the customer's to grant",
    `(docs/handover.md, "The customer's own project").`,
  ];
  if (usedImageKeys(tenant).length === 0) return lines;
  const registries = [...new Set([`${tenant.region}-docker.pkg.dev`, ...usedImageKeys(tenant).map((k) => images[k].split('/')[0])])].sort();
  return [
    ...lines,
    `The first deploy creates the repository ${tenantRepositoryPrefix(tenant.projectId, tenant.region)} and no workload:`,
    'Cloud Run cannot create a service or job whose image does not exist. After it, a platform administrator',
    "(the stack grants that group Artifact Registry Writer on the repository) copies each image by its digest:",
    `  gcloud auth configure-docker ${registries.join(',')}`,
    ...imageCopyCommands(tenant, images).map((c) => `  ${c}`),
    `then adds this line to environments/${envName}/tenants/${tenant.id}.yaml, commits it and deploys again (the workloads appear):`,
    `  ${copiedImagesRecord(tenant, images)}`,
  ];
}
