/**
 * A new environment from command-line flags: `environments/<env>/platform.yaml` and an empty
 * `tenants/`. The flags only shape the document; every rule about its content is the config schema's
 * and the loader's (the ones the stacks use), and each problem they find is reported against the
 * flag that set the field, as onboarding does.
 *
 * Images: platform.yaml pins the four relay images by digest in the environment's own registry
 * (`<region>-docker.pkg.dev/<prefix>-platform/relay/<name>`), which exists only after the platform
 * stack's first apply. A digest is the hash of the image's manifest, known once the image is built
 * and unchanged by copying it between registries, so the new environment takes the digests (one flag
 * per image, or every digest of an existing environment with --images-from) and its own registry path.
 */
import { Document, visit } from 'yaml';
import type { ConfigProblem } from '../../config/config-error';
import { JURISDICTIONS, type Jurisdiction } from '../../config/jurisdictions';
import type { PlatformConfig } from '../../config/schema';
import { sharedProjectId } from '../../config/naming';
import { CONTAINER_REPOSITORY_ID, containerRegistryLocation } from '../../constructs/container-registry';
import { CANARY_IMAGES } from './canary-environment';
import { listFlag, stringFlag, type CommandSpec, type FlagSpec, type FlagValues } from './cli';
import { schemaModeline } from './config-schema-files';
import { ENVIRONMENTS_DIR_FLAG } from './paths';

/** platform.yaml `images` keys, the image name each is pushed under, and the flag of its digest. */
export const IMAGE_DIGEST_FLAGS: ReadonlyArray<{ readonly key: keyof PlatformConfig['images']; readonly image: string; readonly flag: string }> =
  (Object.entries(CANARY_IMAGES) as Array<[keyof PlatformConfig['images'], string]>).map(([key, image]) => ({
    key,
    image,
    flag: `${image}-digest`,
  }));

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const DEFAULT_PLATFORM_JURISDICTION: Jurisdiction = 'EEA';

const required = (name: string, value: string, description: string): FlagSpec => ({ name, type: 'string', value, description, required: true });

export const NEW_ENVIRONMENT_SPEC: CommandSpec = {
  usage: [
    'npm run new-environment -- --env <env> --organization-id <id> --organization-domain <domain>',
    '    --directory-customer-id <C...> --billing-account <id> --project-prefix <prefix>',
    '    --jurisdictions <list> [--platform-jurisdiction <J>] [--parent-folder folders/<n>]',
    '    --state-bucket <name> --repository <owner/name> --repository-id <n> --repository-owner-id <n>',
    '    [--main-branch <branch>] [--github-environment <name>]',
    '    --platform-admins <group> --security-responders <group> --support <group>',
    '    --security-contact <email> --legal-contact <email> --edge-domain <domain>',
    '    (--images-from <env> | --ingest-webhook-digest <sha256:...> --conversion-relay-digest <sha256:...>',
    '     --mcp-endpoint-digest <sha256:...> --integration-sync-digest <sha256:...>) [--environments-dir <dir>]',
  ],
  summary: [
    'Creates an environment: writes environments/<env>/platform.yaml (with the line that ties it to its',
    'JSON Schema for editors) and an empty tenants/ folder. The file is written to a hidden folder first,',
    'validated there with the config loader the stacks use, its platform stack (platform-<env>) synthesized',
    'with the DPA and deployability packs, and only then moved into place; on any problem nothing is',
    'written. An existing environment is never changed.',
    'No folder is recorded yet (tenantFolders: {}): the platform stack creates the folders on its first',
    'apply, and their ids are recorded afterwards (README, "Record the platform\'s outputs").',
  ].join('\n'),
  flags: [
    required('env', '<env>', 'Name of the new environment folder under environments/, for example prod\n(a lowercase letter, then up to 15 lowercase letters, digits or hyphens).'),
    required('organization-id', '<id>', 'Numeric id of the Google Cloud organization.'),
    required('organization-domain', '<domain>', "The organization's primary domain, for example smartsegments.ai."),
    required('directory-customer-id', '<C...>', "The organization's Cloud Identity customer id (domain-restricted sharing, IAM-7):\ngcloud organizations describe <id> --format='value(owner.directoryCustomerId)'."),
    required('billing-account', '<id>', 'Billing account of every project, for example 01ABCD-23EF45-6789AB.'),
    required('project-prefix', '<prefix>', 'Prefix of every project id: <prefix>-platform, <prefix>-audit-<j>, <prefix>-<tenant>\n(2-10 lowercase letters or digits, starting with a letter).'),
    required('jurisdictions', '<list>', `The jurisdictions served, comma-separated (${JURISDICTIONS.join(', ')}); must include EEA.`),
    {
      name: 'platform-jurisdiction',
      type: 'string',
      value: `<${JURISDICTIONS.join('|')}>`,
      description: `Where the platform's own projects (state bucket, registry) live; must be served.\nDefault: ${DEFAULT_PLATFORM_JURISDICTION}.`,
    },
    { name: 'parent-folder', type: 'string', value: 'folders/<n>', description: 'Folder under which the platform creates its folders. Default: the organization.' },
    required('state-bucket', '<name>', 'Name of the Terraform state bucket the platform stack creates (a global name).'),
    required('repository', '<owner/name>', 'This repository on GitHub: the only one the CI identities admit (CI-1).'),
    required('repository-id', '<n>', "The repository's numeric id (gh api repos/<owner>/<name> --jq .id): a fork or a re-created\nrepository of the same name has another and is refused by every trust condition."),
    required('repository-owner-id', '<n>', "The numeric id of the repository's owner (gh api repos/<owner>/<name> --jq .owner.id)."),
    { name: 'main-branch', type: 'string', value: '<branch>', description: 'The protected branch CI applies from. Default: main.' },
    { name: 'github-environment', type: 'string', value: '<name>', description: 'The GitHub environment tenant applies run in; platform applies run in <name>-platform. Default: production.' },
    required('platform-admins', '<group>', 'Group of the platform administrators (IAM-5: people get access through groups).'),
    required('security-responders', '<group>', 'Group that responds to security alerts.'),
    required('support', '<group>', 'Group of the support engineers.'),
    required('security-contact', '<email>', 'Receives breach and security notices (DPA 8.1).'),
    required('legal-contact', '<email>', 'Receives legal and privacy notices.'),
    required('edge-domain', '<domain>', "Tenants' webhooks are served at <tenant>.<edge-domain>."),
    {
      name: 'images-from',
      type: 'string',
      value: '<env>',
      description: "Take the four image digests of this existing environment (the same images, promoted):\nthey are pinned in the new environment's own registry. Instead of, or under, the digest flags.",
    },
    ...IMAGE_DIGEST_FLAGS.map(
      ({ image, flag }): FlagSpec => ({
        name: flag,
        type: 'string',
        value: '<sha256:...>',
        description: `Digest of the ${image} image, pushed to <region>-docker.pkg.dev/<prefix>-platform/${CONTAINER_REPOSITORY_ID}/${image}.`,
      }),
    ),
    ENVIRONMENTS_DIR_FLAG,
  ],
  footer: [
    'Environment:',
    '  ENVIRONMENTS_DIR  default for --environments-dir',
    '',
    'Exit status: 0 written; 1 synthesis or writing failed (nothing written); 2 invalid flags or config',
    '(nothing written).',
    '',
    'Example:',
    '  npm run new-environment -- --env prod --organization-id 123456789012 \\',
    '    --organization-domain smartsegments.example --directory-customer-id C01exmpl2 \\',
    '    --billing-account 01ABCD-23EF45-6789AB --project-prefix ssp --jurisdictions EEA,UK \\',
    '    --state-bucket ssp-prod-tfstate --repository smart-segments/platform \\',
    '    --repository-id 812345678 --repository-owner-id 91234567 \\',
    '    --platform-admins platform-admins@smartsegments.example \\',
    '    --security-responders security-responders@smartsegments.example \\',
    '    --support support-engineers@smartsegments.example --security-contact security@smartsegments.example \\',
    '    --legal-contact legal@smartsegments.example --edge-domain hooks.smartsegments.example \\',
    '    --images-from staging',
  ].join('\n'),
};

/** platform.yaml field (dotted prefix) -> the flag that sets it; the first matching prefix wins. */
const FIELD_FLAGS: ReadonlyArray<readonly [string, string]> = [
  ['environment', '--env'],
  ['organization.id', '--organization-id'],
  ['organization.domain', '--organization-domain'],
  ['organization.directoryCustomerId', '--directory-customer-id'],
  ['billingAccount', '--billing-account'],
  ['projectPrefix', '--project-prefix'],
  ['parentFolder', '--parent-folder'],
  ['jurisdictions', '--jurisdictions'],
  ['platformJurisdiction', '--platform-jurisdiction'],
  ['stateBucket', '--state-bucket'],
  ['ci.repositoryId', '--repository-id'],
  ['ci.repositoryOwnerId', '--repository-owner-id'],
  ['ci.repository', '--repository'],
  ['ci.mainBranch', '--main-branch'],
  ['ci.githubEnvironment', '--github-environment'],
  ['groups.platformAdmins', '--platform-admins'],
  ['groups.securityResponders', '--security-responders'],
  ['groups.support', '--support'],
  ['contacts.security', '--security-contact'],
  ['contacts.legal', '--legal-contact'],
  ['edgeDomain', '--edge-domain'],
  ...IMAGE_DIGEST_FLAGS.map(({ key, flag }) => [`images.${key}`, `--${flag}`] as const),
];

/** The flag that sets a platform.yaml field such as `groups.support`, or undefined. */
export function flagForPlatformField(field: string): string | undefined {
  for (const [prefix, flag] of FIELD_FLAGS) {
    if (field === prefix || field.startsWith(`${prefix}.`) || field.startsWith(`${prefix}[`)) return flag;
  }
  return undefined;
}

/** A loader problem of the new platform.yaml as a message naming its flag (and the field). */
export function platformProblemMessage(problem: ConfigProblem): string {
  const flag = flagForPlatformField(problem.field);
  return flag ? `${flag}: platform.yaml ${problem.field}: ${problem.message}` : `platform.yaml ${problem.field}: ${problem.message}`;
}

/** `<region>-docker.pkg.dev/<prefix>-platform/relay`: where the environment's registry serves images. */
export function environmentImageRepository(projectPrefix: string, platformJurisdiction: Jurisdiction): string {
  return `${containerRegistryLocation(platformJurisdiction)}-docker.pkg.dev/${sharedProjectId({ projectPrefix })}/${CONTAINER_REPOSITORY_ID}`;
}

/** The digest of an image reference pinned by digest (`...@sha256:<hex>`), or undefined. */
export function digestOf(reference: string): string | undefined {
  const at = reference.lastIndexOf('@');
  const digest = at < 0 ? undefined : reference.slice(at + 1);
  return digest !== undefined && DIGEST.test(digest) ? digest : undefined;
}

/**
 * The platform document the flags describe, in the schema's field order, plus flag-syntax problems
 * (digests, the choice of images). `imagesOf(env)` returns another environment's `images`, or a
 * problem naming --images-from when it cannot.
 */
export function platformDocumentFromFlags(
  values: FlagValues,
  imagesOf: (env: string) => { images?: PlatformConfig['images']; problem?: string },
): { raw: Record<string, unknown>; problems: string[] } {
  const problems: string[] = [];
  const prefix = stringFlag(values, 'project-prefix');
  const platformJurisdiction = stringFlag(values, 'platform-jurisdiction') ?? DEFAULT_PLATFORM_JURISDICTION;

  const digests: Partial<Record<string, string>> = {};
  const from = stringFlag(values, 'images-from');
  if (from !== undefined) {
    const { images, problem } = imagesOf(from);
    if (problem) problems.push(problem);
    for (const { key } of IMAGE_DIGEST_FLAGS) {
      const digest = images ? digestOf(images[key]) : undefined;
      if (digest) digests[key] = digest;
    }
  }
  const missing: string[] = [];
  for (const { key, flag } of IMAGE_DIGEST_FLAGS) {
    const given = stringFlag(values, flag);
    if (given === undefined) {
      if (digests[key] === undefined && from === undefined) missing.push(`--${flag}`);
      continue;
    }
    if (DIGEST.test(given)) digests[key] = given;
    else problems.push(`--${flag}: got ${JSON.stringify(given)}; expected sha256: and 64 lowercase hex digits (docker buildx imagetools inspect <image>)`);
  }
  if (missing.length > 0) {
    problems.push(
      `the relay images: give --images-from <env> (the digests of an existing environment) or a digest for each image; missing ${missing.join(', ')}`,
    );
  }

  // The registry path needs a valid prefix and jurisdiction; when either is wrong the schema names
  // that flag, and the images are left out rather than reported a second time.
  const registryKnown = prefix !== undefined && /^[a-z][a-z0-9]{1,9}$/.test(prefix) && (JURISDICTIONS as readonly string[]).includes(platformJurisdiction);
  const images =
    registryKnown && IMAGE_DIGEST_FLAGS.every(({ key }) => digests[key] !== undefined)
      ? Object.fromEntries(
          IMAGE_DIGEST_FLAGS.map(({ key, image }) => [
            key,
            `${environmentImageRepository(prefix, platformJurisdiction as Jurisdiction)}/${image}@${digests[key]}`,
          ]),
        )
      : undefined;

  const parentFolder = stringFlag(values, 'parent-folder');
  const raw: Record<string, unknown> = {
    environment: stringFlag(values, 'env'),
    organization: {
      id: stringFlag(values, 'organization-id'),
      domain: stringFlag(values, 'organization-domain'),
      directoryCustomerId: stringFlag(values, 'directory-customer-id'),
    },
    billingAccount: stringFlag(values, 'billing-account'),
    projectPrefix: prefix,
    ...(parentFolder !== undefined ? { parentFolder } : {}),
    platformJurisdiction,
    jurisdictions: listFlag(stringFlag(values, 'jurisdictions')),
    // Recorded after the platform stack's first apply, from its tenant_folders output.
    tenantFolders: {},
    stateBucket: { name: stringFlag(values, 'state-bucket') },
    ci: {
      provider: 'github',
      repository: stringFlag(values, 'repository'),
      repositoryId: stringFlag(values, 'repository-id'),
      repositoryOwnerId: stringFlag(values, 'repository-owner-id'),
      mainBranch: stringFlag(values, 'main-branch') ?? 'main',
      githubEnvironment: stringFlag(values, 'github-environment') ?? 'production',
    },
    groups: {
      platformAdmins: stringFlag(values, 'platform-admins'),
      securityResponders: stringFlag(values, 'security-responders'),
      support: stringFlag(values, 'support'),
    },
    contacts: { security: stringFlag(values, 'security-contact'), legal: stringFlag(values, 'legal-contact') },
    ...(images ? { images } : {}),
    edgeDomain: stringFlag(values, 'edge-domain'),
  };
  return { raw, problems: inFlagOrder(problems) };
}

/** Problems in the order of the flags in --help (stable; others last). */
export function inFlagOrder(problems: readonly string[]): string[] {
  const flags = NEW_ENVIRONMENT_SPEC.flags;
  const rank = (p: string) => {
    const i = flags.findIndex((f) => p.startsWith(`--${f.name}:`) || p.startsWith(`--${f.name} `));
    return i < 0 ? flags.length : i;
  };
  return problems.map((p, i) => ({ p, i })).sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i).map((x) => x.p);
}

/** platform.yaml's text: block style with flow lists, under the schema line and a header. */
export function renderPlatformYaml(raw: Record<string, unknown>): string {
  const doc = new Document(raw);
  visit(doc, {
    Seq(_, node) {
      node.flow = true;
    },
  });
  doc.commentBefore = [
    schemaModeline('platform'),
    ` Environment ${String(raw.environment)}: created with \`npm run new-environment\`, validated by config/schema.ts.`,
    ' tenantFolders is recorded after the platform stack\'s first apply (README, "Record the platform\'s outputs").',
    " images: the relay images' digests, in this environment's own registry (README, \"Push the relay images\").",
  ].join('\n');
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
