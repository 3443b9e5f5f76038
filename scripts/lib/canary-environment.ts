/**
 * The canary environment (docs/canary.md): what `npm run canary-environment` writes, as documents
 * built from flags. Every rule about their content is the config schema's and the loader's; this
 * module only shapes the documents and names the flag behind each field, so a problem the loader
 * finds is reported against the flag that set it.
 *
 * Two tenants, chosen so that one run exercises every path a real organization takes:
 * - `eea-full`: an EEA tenant in a project the stack creates, with every feature of the catalog;
 * - `customer-owned`: a tenant whose warehouse lives in a project the customer brings (HAND-2),
 *   which the stack must never create or change project-wide.
 */
import { Document, visit } from 'yaml';
import type { ConfigProblem } from '../../config/config-error';
import { CONVERSION_DESTINATIONS, INTEGRATIONS, SOURCES } from '../../config/catalog';
import { JURISDICTIONS, JURISDICTION_RULES, type Jurisdiction } from '../../config/jurisdictions';
import { sharedProjectId } from '../../config/naming';
import { CONTAINER_REPOSITORY_ID, containerRegistryLocation } from '../../constructs/container-registry';
import type { CommandSpec, FlagValues } from './cli';
import { listFlag, stringFlag } from './cli';
import { schemaModeline, type ConfigFileKind } from './config-schema-files';

/** The environment folder name, hence the stack names platform-canary and tenant-canary-<id>. */
export const CANARY_ENVIRONMENT = 'canary';
/** The tenant with every feature, in a project the stack creates. */
export const FULL_TENANT_ID = 'eea-full';
/** The tenant whose warehouse lives in a project the customer brings (HAND-2). */
export const CUSTOMER_TENANT_ID = 'customer-owned';
export const CANARY_JURISDICTION: Jurisdiction = 'EEA';
/** The jurisdictions the canary serves (platform.yaml `jurisdictions`): EEA only. */
export const CANARY_JURISDICTIONS: readonly Jurisdiction[] = [CANARY_JURISDICTION];

/** platform.yaml `images` keys and the image name each is pushed under in the platform's registry. */
export const CANARY_IMAGES = {
  ingestWebhook: 'ingest-webhook',
  conversionRelay: 'conversion-relay',
  mcpEndpoint: 'mcp-endpoint',
  integrationSync: 'integration-sync',
} as const;

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export const CANARY_SPEC: CommandSpec = {
  usage: [
    'npm run canary-environment -- --out <dir> --organization <id> --domain <domain>',
    '    --directory-customer <C...> --billing-account <id> --project-prefix <prefix>',
    '    --state-bucket <name> --repository <owner/name> --customer-project <project-id>',
    '    --image-digest <sha256:...> [--parent-folder folders/<n>] [--region <region>]',
    '    [--tenant-folders EEA=folders/<n>]',
    'npm run canary-environment -- --list-images --project-prefix <prefix>',
  ],
  summary: [
    'Writes the canary environment <dir>/canary (platform.yaml and tenants/*.yaml) for the canary',
    'workflow (.github/workflows/canary.yml, docs/canary.md). The folder is written to a temporary',
    'folder first, validated there with the config loader the stacks use, and only then moved into',
    'place (replacing an earlier canary folder); on any problem nothing is written.',
    '',
    'Without --tenant-folders only platform.yaml is written: the platform stack must be applied first,',
    "because the tenants' folder ids exist only then. With --tenant-folders (from the platform stack's",
    `tenant_folders output) the two tenants are written too: ${FULL_TENANT_ID} (${CANARY_JURISDICTION}, every source,`,
    'integration and conversion destination, MCP) and ' +
      `${CUSTOMER_TENANT_ID} (warehouse in --customer-project, a project the customer owns).`,
  ].join('\n'),
  flags: [
    { name: 'out', type: 'string', value: '<dir>', description: 'Folder holding the environments (the canary workflow passes environments/).\nThe canary environment is <dir>/canary.' },
    { name: 'organization', type: 'string', value: '<id>', description: 'Numeric id of the sandbox organization.' },
    { name: 'domain', type: 'string', value: '<domain>', description: "The sandbox organization's domain. Groups and contacts are addresses in it:\nplatform-admins@, security-responders@, support@ (the groups must exist), security@, legal@." },
    { name: 'directory-customer', type: 'string', value: '<C...>', description: "The sandbox's Cloud Identity customer id (domain-restricted sharing, IAM-7)." },
    { name: 'billing-account', type: 'string', value: '<id>', description: 'Billing account of every canary project, for example 01ABCD-23EF45-6789AB.' },
    { name: 'project-prefix', type: 'string', value: '<prefix>', description: 'Prefix of every project id the run creates; project ids can never be reused,\nso the workflow derives a new one per run (2-10 lowercase letters or digits).' },
    { name: 'state-bucket', type: 'string', value: '<name>', description: 'Name of the Terraform state bucket the platform stack creates (a new one per run).' },
    { name: 'repository', type: 'string', value: '<owner/name>', description: 'This repository: the only one the deployed CI identities admit.' },
    { name: 'repository-id', type: 'string', value: '<number>', description: "GitHub's numeric id of this repository (the workflow passes github.repository_id)." },
    { name: 'repository-owner-id', type: 'string', value: '<number>', description: "GitHub's numeric id of its owner (github.repository_owner_id)." },
    { name: 'customer-project', type: 'string', value: '<project-id>', description: `The existing project that plays the customer's own project of ${CUSTOMER_TENANT_ID} (HAND-2).` },
    { name: 'image-digest', type: 'string', value: '<sha256:...>', description: "Digest of the placeholder image pushed under every relay image name into the\nplatform's registry (see --list-images)." },
    { name: 'parent-folder', type: 'string', value: 'folders/<n>', description: 'Folder under which the platform creates its folders. Default: the organization.' },
    { name: 'region', type: 'string', value: '<region>', description: `Region of both tenants. Default: ${JURISDICTION_RULES[CANARY_JURISDICTION].defaultRegion}.` },
    { name: 'tenant-folders', type: 'string', value: '<J=folders/n,...>', description: "Folder ids from the platform stack's tenant_folders output; writes the tenants." },
    { name: 'list-images', type: 'boolean', description: 'Print the image repositories to push the placeholder image to, one a line\n(needs only --project-prefix), and write nothing.' },
  ],
  footer: [
    'Exit status: 0 written (or listed); 2 invalid flags or config (nothing written); 1 writing failed.',
    '',
    'Example:',
    '  npm run canary-environment -- --out environments --organization 123456789012 \\',
    '    --domain sandbox.example --directory-customer C01abcd2e --billing-account 01ABCD-23EF45-6789AB \\',
    '    --project-prefix c123456701 --state-bucket c123456701-canary-tfstate \\',
    '    --repository smart-segments/platform --customer-project canary-customer-wh \\',
    '    --image-digest sha256:<64 hex> --tenant-folders EEA=folders/123456789',
  ].join('\n'),
};

/** Flags every write needs (not --list-images); named in the order of --help. */
const REQUIRED_FOR_WRITE = [
  'out',
  'organization',
  'domain',
  'directory-customer',
  'billing-account',
  'project-prefix',
  'state-bucket',
  'repository',
  'repository-id',
  'repository-owner-id',
  'customer-project',
  'image-digest',
] as const;

/** `<region>-docker.pkg.dev/<prefix>-platform/relay`: where the platform's registry serves images. */
export function imageRepository(projectPrefix: string): string {
  const home = CANARY_JURISDICTION;
  return `${containerRegistryLocation(home)}-docker.pkg.dev/${sharedProjectId({ projectPrefix })}/${CONTAINER_REPOSITORY_ID}`;
}

export interface CanaryDocuments {
  readonly platform: Record<string, unknown>;
  /** File name (`<id>.yaml`) -> document; empty until the tenant folders are known. */
  readonly tenants: ReadonlyArray<{ readonly id: string; readonly raw: Record<string, unknown> }>;
}

/** Flag-syntax problems (each naming its flag) and the documents the flags describe. */
export function canaryDocumentsFromFlags(values: FlagValues): { documents?: CanaryDocuments; problems: string[] } {
  const problems: string[] = [];
  for (const name of REQUIRED_FOR_WRITE) {
    if (stringFlag(values, name) === undefined) problems.push(`--${name} is required`);
  }
  const digest = stringFlag(values, 'image-digest');
  if (digest !== undefined && !DIGEST.test(digest)) {
    problems.push(`--image-digest: got ${JSON.stringify(digest)}; expected sha256: and 64 lowercase hex digits`);
  }
  const tenantFolders = parseTenantFolders(stringFlag(values, 'tenant-folders'), problems);
  if (problems.length > 0) return { problems };

  const domain = stringFlag(values, 'domain')!;
  const prefix = stringFlag(values, 'project-prefix')!;
  const images = Object.fromEntries(
    Object.entries(CANARY_IMAGES).map(([key, name]) => [key, `${imageRepository(prefix)}/${name}@${digest}`]),
  );
  const parentFolder = stringFlag(values, 'parent-folder');
  const platform: Record<string, unknown> = {
    environment: CANARY_ENVIRONMENT,
    organization: { id: stringFlag(values, 'organization'), domain, directoryCustomerId: stringFlag(values, 'directory-customer') },
    billingAccount: stringFlag(values, 'billing-account'),
    projectPrefix: prefix,
    ...(parentFolder !== undefined ? { parentFolder } : {}),
    jurisdictions: [...CANARY_JURISDICTIONS],
    tenantFolders: tenantFolders ?? {},
    platformJurisdiction: CANARY_JURISDICTION,
    stateBucket: { name: stringFlag(values, 'state-bucket') },
    ci: {
      provider: 'github',
      repository: stringFlag(values, 'repository'),
      repositoryId: stringFlag(values, 'repository-id'),
      repositoryOwnerId: stringFlag(values, 'repository-owner-id'),
      mainBranch: 'main',
    },
    groups: {
      platformAdmins: `platform-admins@${domain}`,
      securityResponders: `security-responders@${domain}`,
      support: `support@${domain}`,
    },
    contacts: { security: `security@${domain}`, legal: `legal@${domain}` },
    images,
    edgeDomain: `hooks.${domain}`,
  };
  if (tenantFolders === undefined) return { documents: { platform, tenants: [] }, problems };

  const region = stringFlag(values, 'region') ?? JURISDICTION_RULES[CANARY_JURISDICTION].defaultRegion;
  const contacts = { security: `canary-security@${domain}`, privacy: `canary-privacy@${domain}` };
  // Fresh tenants have no secret values yet (no populatedSecrets): the first apply must succeed
  // without them; `npm run secrets -- --record` fills populatedSecrets after the dummy values are added.
  const full: Record<string, unknown> = {
    id: FULL_TENANT_ID,
    displayName: 'Canary EEA, every feature',
    jurisdiction: CANARY_JURISDICTION,
    region,
    sources: [...SOURCES],
    integrations: [...INTEGRATIONS],
    conversionTracking: { enabled: true, destinations: [...CONVERSION_DESTINATIONS], googleDeniedConsent: 'drop' },
    mcp: { enabled: true },
    llmSupport: 'allowed',
    warehouse: { mode: 'smart-segments' },
    contacts,
  };
  const customer: Record<string, unknown> = {
    id: CUSTOMER_TENANT_ID,
    displayName: 'Canary customer-owned warehouse',
    jurisdiction: CANARY_JURISDICTION,
    region,
    sources: ['roller'],
    integrations: [],
    conversionTracking: { enabled: false, destinations: [] },
    mcp: { enabled: false },
    llmSupport: 'restricted',
    warehouse: { mode: 'customer', provisionedBy: 'customer', projectId: stringFlag(values, 'customer-project') },
    contacts,
  };
  return { documents: { platform, tenants: [{ id: FULL_TENANT_ID, raw: full }, { id: CUSTOMER_TENANT_ID, raw: customer }] }, problems };
}

/** `EEA=folders/1,UK=folders/2` -> record; problems name --tenant-folders. The schema checks the ids. */
function parseTenantFolders(value: string | undefined, problems: string[]): Record<string, string> | undefined {
  const items = listFlag(value);
  if (items === undefined) return undefined;
  const folders: Record<string, string> = {};
  for (const item of items) {
    const m = /^([A-Z]+)=(.*)$/.exec(item);
    if (!m || !(JURISDICTIONS as readonly string[]).includes(m[1])) {
      problems.push(`--tenant-folders: got ${JSON.stringify(item)}; expected <jurisdiction>=folders/<n> with a jurisdiction of ${JURISDICTIONS.join(', ')}`);
      continue;
    }
    if (m[1] in folders) problems.push(`--tenant-folders: ${m[1]} is given twice`);
    folders[m[1]] = m[2];
  }
  if (items.length === 0) problems.push('--tenant-folders: empty; give <jurisdiction>=folders/<n> or leave the flag out');
  else if (!(CANARY_JURISDICTION in folders) && problems.length === 0) {
    problems.push(`--tenant-folders: names no ${CANARY_JURISDICTION} folder, which both canary tenants need`);
  }
  return folders;
}

/** Field (dotted prefix) of platform.yaml -> the flag that sets it; the first matching prefix wins. */
const PLATFORM_FIELD_FLAGS: ReadonlyArray<readonly [string, string]> = [
  ['organization.id', '--organization'],
  ['organization.domain', '--domain'],
  ['organization.directoryCustomerId', '--directory-customer'],
  ['billingAccount', '--billing-account'],
  ['projectPrefix', '--project-prefix'],
  ['parentFolder', '--parent-folder'],
  ['tenantFolders', '--tenant-folders'],
  ['stateBucket', '--state-bucket'],
  ['ci.repository', '--repository'],
  ['ci.repositoryId', '--repository-id'],
  ['ci.repositoryOwnerId', '--repository-owner-id'],
  // Groups, contacts and the edge domain are addresses in --domain.
  ['groups', '--domain'],
  ['contacts', '--domain'],
  ['edgeDomain', '--domain'],
  // --image-digest is checked before the documents are built, so an image problem comes from the prefix.
  ['images', '--project-prefix'],
];

/** The same for tenant files. A tenant's project id is <prefix>-<id> unless the customer brings it. */
const TENANT_FIELD_FLAGS: ReadonlyArray<readonly [string, string]> = [
  ['warehouse', '--customer-project'],
  ['region', '--region'],
  ['contacts', '--domain'],
  ['id', '--project-prefix'],
];

function flagFor(table: ReadonlyArray<readonly [string, string]>, field: string): string | undefined {
  for (const [prefix, flag] of table) {
    if (field === prefix || field.startsWith(`${prefix}.`) || field.startsWith(`${prefix}[`)) return flag;
  }
  return undefined;
}

/** A loader problem as a message naming the flag behind the field (and the field, for the detail). */
export function problemAsFlagMessage(problem: ConfigProblem): string {
  const isPlatform = /(^|[\\/])platform\.yaml$/.test(problem.file);
  const flag = flagFor(isPlatform ? PLATFORM_FIELD_FLAGS : TENANT_FIELD_FLAGS, problem.field);
  const where = isPlatform ? `platform.yaml ${problem.field}` : `${problem.file.split(/[\\/]/).pop()} ${problem.field}`;
  return flag ? `${flag}: ${where}: ${problem.message}` : `${where}: ${problem.message}`;
}

/**
 * A document as YAML (block style, flow lists) under a header that ties it to its JSON Schema for
 * editors and says where it came from. The canary folder sits where an environment does
 * (<out>/canary), so the schema's relative path is that of any environment.
 */
export function renderCanaryYaml(raw: Record<string, unknown>, what: string, kind: ConfigFileKind): string {
  const doc = new Document(raw);
  visit(doc, {
    Seq(_, node) {
      node.flow = true;
    },
  });
  doc.commentBefore = [
    schemaModeline(kind),
    ` ${what} of the canary environment, written by \`npm run canary-environment\` for one run of the`,
    ' canary workflow (docs/canary.md). Generated: never edit or commit it.',
  ].join('\n');
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
