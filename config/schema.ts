/**
 * The zod schemas for `environments/<env>/platform.yaml` and `environments/<env>/tenants/<id>.yaml`.
 * A tenant file is the customer's documented instruction (DPA 2.3): every field is validated here,
 * once, and the stacks, scripts and rules all read the typed result.
 */
import { z } from 'zod';
import { JURISDICTIONS, JURISDICTION_RULES, tenantRegionProblem } from './jurisdictions';
import {
  CONVERSION_DESTINATIONS,
  GOOGLE_DENIED_CONSENT,
  INTEGRATIONS,
  LLM_SUPPORT,
  SOURCES,
} from './catalog';
import { FEATURE_KEY_FORMS, enabledFeatures, isFeatureKey } from './features';
import { tenantSecretIds } from './naming';
import { LIFECYCLE_STATES, handoverPhaseOf, type LifecycleState } from './lifecycle-states';
import { DATE_TIME_PATTERN, SUPPORT_ACCESS_MAX_HOURS, SUPPORT_SCOPES, SUPPORT_SCOPE_IDS, grantHours } from './support-access';

/** GCP project ids: 6-30 characters, lowercase letters, digits and hyphens, start with a letter, no trailing hyphen. */
export const PROJECT_ID_PATTERN = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
export const PROJECT_ID_RULE =
  '6-30 characters: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen';

/** Tenant ids become part of project ids, stack names, label values and file names. */
export const TENANT_ID_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
export const TENANT_ID_RULE =
  'lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen (for example "acme-leisure")';

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
/** A calendar date as YYYY-MM-DD (also used by the offboarding script for its date flags). */
export const isoDate = z
  .string()
  .regex(DATE_PATTERN, 'expected a date as YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), {
    message: 'expected a real calendar date as YYYY-MM-DD',
  });

const email = z.email('expected an email address such as security@example.com');
const groupEmail = email;
const uniqueList = <T extends z.ZodTypeAny>(item: T) =>
  z.array(item).refine((list) => new Set(list).size === list.length, { message: 'list entries must be unique' });

/** An image digest, `sha256:<64 hex>`. */
const imageDigest = z.string().regex(/^sha256:[a-f0-9]{64}$/, 'expected an image digest: sha256:<64 hex digits>');

/** An image reference pinned by digest, so a deploy is reproducible and auditable (CI-1). */
const imageByDigest = z
  .string()
  .regex(/^[a-z0-9.-]+(:\d+)?\/[a-z0-9._\/-]+@sha256:[a-f0-9]{64}$/, 'expected an image reference pinned by digest: <registry>/<path>@sha256:<64 hex digits>');

// ---------------------------------------------------------------------------------------------
// platform.yaml
// ---------------------------------------------------------------------------------------------

export const platformSchema = z.strictObject({
  /** Must equal the folder name under environments/. */
  environment: z.string().regex(/^[a-z][a-z0-9-]{0,15}$/, 'expected a short lowercase name such as "example" or "prod"'),
  organization: z.strictObject({
    id: z.string().regex(/^\d{6,20}$/, 'expected the numeric organization id, for example "123456789012"'),
    domain: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'expected a DNS domain such as smartsegments.ai'),
    /** Cloud Identity directory customer id, for domain-restricted sharing (IAM-7). */
    directoryCustomerId: z.string().regex(/^C[0-9a-z]{6,12}$/, 'expected a directory customer id such as "C01abcd2e"'),
  }),
  billingAccount: z
    .string()
    .regex(/^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/, 'expected a billing account id such as "01ABCD-23EF45-6789AB"'),
  /** Prefix of every project id of this environment: `<prefix>-<tenant id>`. */
  projectPrefix: z.string().regex(/^[a-z][a-z0-9]{1,9}$/, 'expected 2-10 lowercase letters or digits, starting with a letter'),
  /** Folder under which the platform creates its folders; the organization when absent. */
  parentFolder: z.string().regex(/^folders\/\d+$/, 'expected "folders/<number>"').optional(),
  /**
   * The jurisdictions this environment serves: the platform stack creates a folder (with its
   * guardrails and central audit log) for each, whether or not a tenant is there yet, so the first
   * tenant of a jurisdiction finds its folder. Must include EEA (RES-2) and platformJurisdiction.
   */
  jurisdictions: uniqueList(z.enum(JURISDICTIONS)).refine((list) => list.length > 0, { message: 'name at least EEA' }),
  /**
   * Folder ids per served jurisdiction, recorded after the platform stack is deployed (plain config,
   * not a cross-stack reference, so tenant plans never depend on platform state).
   */
  tenantFolders: z.partialRecord(z.enum(JURISDICTIONS), z.string().regex(/^folders\/\d+$/, 'expected "folders/<number>"')),
  /** Home jurisdiction of the platform's own shared projects (state, registry). */
  platformJurisdiction: z.enum(JURISDICTIONS),
  stateBucket: z.strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9_.-]{1,61}[a-z0-9]$/, 'expected a Cloud Storage bucket name'),
  }),
  ci: z.strictObject({
    provider: z.literal('github'),
    /** owner/name of this repository: the only one the deployer identity admits (CI-1). */
    repository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'expected "owner/name"'),
    mainBranch: z.string().min(1).default('main'),
    /**
     * GitHub's numeric ids of this repository and of its owner (the token claims `repository_id` and
     * `repository_owner_id`): a repository deleted and re-created under the same name, or a fork, has
     * other ids, so the CI identities refuse it (docs/security.md). `gh api repos/<owner>/<name> --jq '.id, .owner.id'`.
     */
    repositoryId: z.string().regex(/^[1-9][0-9]{0,19}$/, 'expected the numeric repository id (gh api repos/<owner>/<name> --jq .id), as a quoted string'),
    repositoryOwnerId: z.string().regex(/^[1-9][0-9]{0,19}$/, 'expected the numeric owner id (gh api repos/<owner>/<name> --jq .owner.id), as a quoted string'),
    /**
     * The protected GitHub environment of this platform's applies: tenant deployers are admitted only
     * from it, the platform deployer only from `<githubEnvironment>-platform` (docs/ci.md).
     */
    githubEnvironment: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'expected a GitHub environment name such as production').default('production'),
  }),
  /** Groups of people (IAM-5: people get access through groups only). */
  groups: z.strictObject({
    platformAdmins: groupEmail,
    securityResponders: groupEmail,
    support: groupEmail,
  }),
  /** Support access (IAM-5, config/support-access.ts): a lower cap than the platform's for every grant. */
  support: z
    .strictObject({
      maxAccessHours: z
        .number()
        .int('expected a whole number of hours')
        .min(1, 'expected at least 1 hour')
        .max(SUPPORT_ACCESS_MAX_HOURS, `expected at most ${SUPPORT_ACCESS_MAX_HOURS} hours, the platform's cap (config/support-access.ts)`),
    })
    .optional(),
  contacts: z.strictObject({
    security: email,
    legal: email,
  }),
  /** Container images of the relay services, pinned by digest. */
  images: z.strictObject({
    ingestWebhook: imageByDigest,
    conversionRelay: imageByDigest,
    mcpEndpoint: imageByDigest,
    integrationSync: imageByDigest,
  }),
  /** Public hostname suffix of tenant webhook endpoints: `<tenant>.<edgeDomain>`. */
  edgeDomain: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'expected a DNS domain such as hooks.smartsegments.ai'),
  /**
   * The public edges' web application firewall (NET-1): Google's preconfigured Cloud Armor rules.
   * `preview` logs what the rules would block without blocking (roll-out, tuning); `enforce` blocks
   * with 403. `sensitivity` 1-4: higher matches more signatures and more false positives
   * (cloud.google.com/armor/docs/waf-rules). Default enforce at sensitivity 1.
   */
  edge: z
    .strictObject({
      waf: z
        .strictObject({
          mode: z.enum(['preview', 'enforce']).default('enforce'),
          sensitivity: z.number().int().min(1, 'expected 1-4').max(4, 'expected 1-4').default(1),
        })
        .default({ mode: 'enforce', sensitivity: 1 }),
    })
    .default({ waf: { mode: 'enforce', sensitivity: 1 } }),
})
  .superRefine(
    (p, ctx) => {
      // Cross-field rules on the served jurisdictions; each guards against the fields it reads.
      if (!Array.isArray(p.jurisdictions)) return;
      const served = p.jurisdictions as readonly string[];
      if (!served.includes('EEA')) {
        ctx.addIssue({
          code: 'custom',
          path: ['jurisdictions'],
          message: 'must include EEA: the EEA folder and its location policy always exist (RES-2); add EEA to jurisdictions',
        });
      }
      if (typeof p.platformJurisdiction === 'string' && !served.includes(p.platformJurisdiction)) {
        ctx.addIssue({
          code: 'custom',
          path: ['jurisdictions'],
          message: `must include platformJurisdiction ${p.platformJurisdiction}: its folder holds the platform's own audit log project; add ${p.platformJurisdiction} to jurisdictions`,
        });
      }
      for (const j of Object.keys(p.tenantFolders ?? {})) {
        if (!served.includes(j)) {
          ctx.addIssue({
            code: 'custom',
            path: ['tenantFolders', j],
            message: `records a folder for ${j}, which is not in jurisdictions: the platform stack would stop managing that folder and plan to destroy it (it is deletion-protected); add ${j} to jurisdictions`,
          });
        }
      }
    },
    { when: () => true },
  );

export type PlatformConfig = z.infer<typeof platformSchema>;

// ---------------------------------------------------------------------------------------------
// tenants/<id>.yaml
// ---------------------------------------------------------------------------------------------

const warehouseSchema = z.discriminatedUnion('mode', [
  z.strictObject({
    /** The dataset lives in the tenant's Smart Segments-owned project (DPA A.7, first paragraph). */
    mode: z.literal('smart-segments'),
  }),
  z.strictObject({
    /** The dataset lives in a customer-owned project (DPA A.7, second paragraph; HAND-2). */
    mode: z.literal('customer'),
    projectId: z.string().regex(PROJECT_ID_PATTERN, `expected a GCP project id: ${PROJECT_ID_RULE}`),
    /**
     * `customer`: the customer brings an existing project; Smart Segments never creates or owns it.
     * `smart-segments`: Smart Segments provisions a dedicated project that the customer takes over later.
     */
    provisionedBy: z.enum(['customer', 'smart-segments']),
  }),
]);

const handoverSchema = z.strictObject({
  /** The customer's organization that receives the project. */
  customerOrganizationId: z.string().regex(/^\d{6,20}$/, 'expected the numeric organization id'),
  customerBillingAccount: z
    .string()
    .regex(/^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/, 'expected a billing account id such as "01ABCD-23EF45-6789AB"'),
  /** The customer's group that takes ownership (HAND-1: never left without an owner). */
  customerOwnerGroup: groupEmail,
  /** The customer's directory, admitted by domain-restricted sharing for the handover (IAM-7). */
  customerDirectoryCustomerId: z.string().regex(/^C[0-9a-z]{6,12}$/, 'expected a directory customer id such as "C01abcd2e"'),
  // What each phase of `npm run handover` recorded (docs/handover.md); a phase refuses to start until
  // what it needs is here. All dates are UTC days.
  /** prepare: the day the handover was prepared. */
  prepared: isoDate.optional(),
  /**
   * prepare: the day the move grant (roles/resourcemanager.projectMover on the tenant folder, to the
   * deployer) expires; its IAM condition is `request.time < timestamp("<day>T00:00:00Z")`.
   */
  moverGrantExpires: isoDate.optional(),
  /** transfer: the day the customer confirmed its organization admits the project (allowedImportSources, Project Creator for the deployer). */
  customerImportPolicyConfirmed: isoDate.optional(),
  /** transfer: the day the customer confirmed the deployer may link projects to its billing account (roles/billing.user). */
  customerBillingGrantConfirmed: isoDate.optional(),
  /** release: the day the customer confirmed its administrators administer the moved project. */
  customerAdminsConfirmed: isoDate.optional(),
  /** release: the effective date of the handover (DPA 10.2): no processing by Smart Segments from this day. */
  effectiveDate: isoDate.optional(),
  /** relinquish: the day Smart Segments removed its own last access (the time-bound handover grants on the moved project). */
  ownAccessRemoved: isoDate.optional(),
  /** close: the day the relinquish deploy was confirmed applied; the stack is no longer synthesized. */
  closed: isoDate.optional(),
});

const offboardingSchema = z.strictObject({
  /** The date the customer asked for deletion; the 14 days of DPA 10.1 run from here. */
  requested: isoDate,
  /** Set by `offboard --confirm-removed` once the stack has been destroyed; the stack is then no longer synthesized. */
  removalConfirmed: z.boolean().default(false),
});

export { LIFECYCLE_STATES, type LifecycleState };

const dateTime = z
  .string()
  .regex(DATE_TIME_PATTERN, 'expected a UTC time as YYYY-MM-DDTHH:MM:SSZ')
  .refine((s) => !Number.isNaN(Date.parse(s)) && new Date(s).toISOString().replace('.000Z', 'Z') === s, {
    message: 'expected a real UTC time as YYYY-MM-DDTHH:MM:SSZ',
  });

/** A time-bound support grant, written by `npm run support-access` (IAM-5). */
const supportGrantSchema = z.strictObject({
  scope: z.enum(SUPPORT_SCOPE_IDS),
  granted: dateTime,
  until: dateTime,
  reason: z.string().trim().min(10, 'expected the ticket and why, at least 10 characters').max(200, 'expected at most 200 characters'),
});

export const tenantSchema = z
  .strictObject({
    id: z.string().regex(TENANT_ID_PATTERN, `expected a tenant id: ${TENANT_ID_RULE}`),
    displayName: z.string().trim().min(1, 'expected a non-empty name').max(100, 'expected at most 100 characters'),
    jurisdiction: z.enum(JURISDICTIONS),
    region: z.string().regex(/^[a-z]+-[a-z]+\d+$/, 'expected a Google Cloud region such as europe-west1'),
    sources: uniqueList(z.enum(SOURCES)).default([]),
    integrations: uniqueList(z.enum(INTEGRATIONS)).default([]),
    conversionTracking: z
      .strictObject({
        enabled: z.boolean(),
        destinations: uniqueList(z.enum(CONVERSION_DESTINATIONS)).default([]),
        /** The tenant's election when Google `ad_user_data` is denied (DPA C.4). */
        googleDeniedConsent: z.enum(GOOGLE_DENIED_CONSENT).optional(),
      })
      .default({ enabled: false, destinations: [] }),
    mcp: z.strictObject({ enabled: z.boolean() }).default({ enabled: false }),
    /** DPA Annex II 14: the customer may restrict LLM-assisted support (LLM-1). */
    llmSupport: z.enum(LLM_SUPPORT),
    warehouse: warehouseSchema,
    lifecycle: z
      .strictObject({
        state: z.enum(LIFECYCLE_STATES),
        handover: handoverSchema.optional(),
        offboarding: offboardingSchema.optional(),
      })
      .default({ state: 'active' }),
    contacts: z.strictObject({
      /** Receives breach notices (DPA 8.1) and security essential-contact notices. */
      security: email,
      /** Receives legal and privacy notices; defaults to the security contact. */
      privacy: email.optional(),
    }),
    /**
     * Secret Manager secret ids whose values an operator has added (`gcloud secrets versions add`)
     * and recorded with `npm run secrets -- --record`. A workload that mounts a secret is declared
     * only once all its secrets are listed here (config/workload-secrets.ts).
     */
    populatedSecrets: uniqueList(z.string()).default([]),
    /**
     * In a customer's own project (HAND-2) only: the digest of each relay image an operator has
     * copied into the tenant's `relay` repository (config/relay-images.ts). A workload there is
     * declared only once its image is recorded; each must equal platform.yaml's digest.
     */
    copiedImages: z
      .strictObject({
        ingestWebhook: imageDigest.optional(),
        conversionRelay: imageDigest.optional(),
        mcpEndpoint: imageDigest.optional(),
        integrationSync: imageDigest.optional(),
      })
      .optional(),
    /**
     * Features being turned off: still configured, their resources' delete protection lifted, so
     * that the next change can remove them (`npm run feature`, config/features.ts).
     */
    retiringFeatures: uniqueList(z.string()).default([]),
    /** Time-bound support access to this tenant (IAM-5), one grant per scope; `npm run support-access`. */
    supportAccess: z.array(supportGrantSchema).default([]),
  })
  .superRefine(
    (t, ctx) => {
      // Cross-field rules. `when: () => true` makes them run even when another field failed,
      // so a user sees every problem at once; each guards against the fields it reads.
      if (typeof t.jurisdiction === 'string' && typeof t.region === 'string' && t.jurisdiction in JURISDICTION_RULES) {
        const problem = tenantRegionProblem(t.jurisdiction, t.region);
        if (problem) ctx.addIssue({ code: 'custom', path: ['region'], message: problem });
      }
      const ct = t.conversionTracking;
      if (ct && ct.enabled === true) {
        if (!Array.isArray(ct.destinations) || ct.destinations.length === 0) {
          ctx.addIssue({
            code: 'custom',
            path: ['conversionTracking', 'destinations'],
            message: `conversion tracking is enabled but names no destination; allowed: ${CONVERSION_DESTINATIONS.join(', ')}`,
          });
        }
        if (Array.isArray(ct.destinations) && ct.destinations.includes('google-ads') && ct.googleDeniedConsent === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['conversionTracking', 'googleDeniedConsent'],
            message: `the tenant's election for Google-denied consent is required when google-ads is a destination (DPA C.4); allowed: ${GOOGLE_DENIED_CONSENT.join(
              ', ',
            )}`,
          });
        }
        if (Array.isArray(t.sources) && !t.sources.includes('roller')) {
          ctx.addIssue({
            code: 'custom',
            path: ['sources'],
            message: 'conversion tracking relays events from the ROLLER checkout (DPA C.1); add "roller" to sources',
          });
        }
      } else if (ct && Array.isArray(ct.destinations) && ct.destinations.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['conversionTracking', 'enabled'],
          message: 'destinations are listed but conversion tracking is not enabled; set enabled: true or remove the destinations',
        });
      }
      checkPopulatedSecrets(t, ctx);
      const copyWarehouse = t.warehouse;
      if (t.copiedImages !== undefined && copyWarehouse && !(copyWarehouse.mode === 'customer' && copyWarehouse.provisionedBy === 'customer')) {
        ctx.addIssue({
          code: 'custom',
          path: ['copiedImages'],
          message:
            "copiedImages is only for a customer's own project (warehouse mode: customer, provisionedBy: customer); other tenants pull from the platform registry, so remove the field",
        });
      }
      checkRetiringFeatures(t, ctx);
      checkSupportAccess(t, ctx);
      const lc = t.lifecycle;
      if (lc && typeof lc.state === 'string') {
        if ((LIFECYCLE_STATES as readonly string[]).includes(lc.state) && handoverPhaseOf(lc.state as LifecycleState) !== undefined) {
          if (!lc.handover) {
            ctx.addIssue({
              code: 'custom',
              path: ['lifecycle', 'handover'],
              message: `lifecycle state "${lc.state}" needs the handover details (customerOrganizationId, customerBillingAccount, customerOwnerGroup, customerDirectoryCustomerId)`,
            });
          }
          const w = t.warehouse;
          if (w && !(w.mode === 'customer' && w.provisionedBy === 'smart-segments')) {
            ctx.addIssue({
              code: 'custom',
              path: ['warehouse'],
              message:
                'only a dedicated project that Smart Segments provisioned for the customer can be handed over (DPA 10.2); set warehouse mode: customer, provisionedBy: smart-segments',
            });
          }
        }
        const h = lc.handover;
        if (h && lc.state !== 'handed-over' && (h.effectiveDate !== undefined || h.ownAccessRemoved !== undefined || h.closed !== undefined)) {
          ctx.addIssue({
            code: 'custom',
            path: ['lifecycle', 'handover', h.effectiveDate !== undefined ? 'effectiveDate' : 'ownAccessRemoved'],
            message: `recorded by the handover's release, so only allowed in state "handed-over", not "${lc.state}"; use \`npm run handover -- --phase release\``,
          });
        }
        if (h && h.closed !== undefined && h.ownAccessRemoved === undefined) {
          ctx.addIssue({ code: 'custom', path: ['lifecycle', 'handover', 'closed'], message: 'closed needs ownAccessRemoved (the relinquish step) first' });
        }
        if (h && h.ownAccessRemoved !== undefined && h.effectiveDate === undefined) {
          ctx.addIssue({ code: 'custom', path: ['lifecycle', 'handover', 'effectiveDate'], message: 'ownAccessRemoved needs the effectiveDate of the release first' });
        }
        if (lc.state === 'offboarding' && !lc.offboarding) {
          ctx.addIssue({
            code: 'custom',
            path: ['lifecycle', 'offboarding'],
            message: 'lifecycle state "offboarding" needs offboarding.requested (YYYY-MM-DD); use `npm run offboard`',
          });
        }
        if (lc.state !== 'offboarding' && lc.offboarding) {
          ctx.addIssue({
            code: 'custom',
            path: ['lifecycle', 'offboarding'],
            message: `offboarding details are only allowed in state "offboarding", not "${lc.state}"`,
          });
        }
      }
    },
    { when: () => true },
  );

/** Each support grant ends after it starts and within the cap; one per scope; a warehouse scope only on our own warehouse. */
function checkSupportAccess(t: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (!Array.isArray(t.supportAccess)) return;
  const seen = new Set<string>();
  t.supportAccess.forEach((g: { scope?: unknown; granted?: unknown; until?: unknown }, i: number) => {
    if (!g || typeof g.scope !== 'string' || !(g.scope in SUPPORT_SCOPES)) return;
    const scope = g.scope as keyof typeof SUPPORT_SCOPES;
    if (seen.has(scope)) {
      ctx.addIssue({ code: 'custom', path: ['supportAccess', i, 'scope'], message: `scope "${scope}" is granted twice; keep one grant per scope` });
    }
    seen.add(scope);
    const warehouse = t.warehouse as { mode?: unknown } | undefined;
    if (SUPPORT_SCOPES[scope].needsOwnWarehouse && warehouse?.mode !== 'smart-segments') {
      ctx.addIssue({
        code: 'custom',
        path: ['supportAccess', i, 'scope'],
        message: `scope "${scope}" needs the warehouse in the tenant's Smart Segments project; a customer's project keeps its own IAM (HAND-2)`,
      });
    }
    if (typeof g.granted === 'string' && typeof g.until === 'string' && DATE_TIME_PATTERN.test(g.granted) && DATE_TIME_PATTERN.test(g.until)) {
      const hours = grantHours({ granted: g.granted, until: g.until });
      if (!(hours > 0)) {
        ctx.addIssue({ code: 'custom', path: ['supportAccess', i, 'until'], message: `until (${g.until}) must be after granted (${g.granted})` });
      } else if (hours > SUPPORT_ACCESS_MAX_HOURS) {
        ctx.addIssue({
          code: 'custom',
          path: ['supportAccess', i, 'until'],
          message: `the grant lasts ${Math.ceil(hours)} hours; support access lasts at most ${SUPPORT_ACCESS_MAX_HOURS} hours from when it is granted (IAM-5)`,
        });
      }
    }
  });
}

/** The feature fields as far as they parsed: enough to derive secret ids and feature keys. */
function featureFieldsOf(t: Record<string, unknown>) {
  const ct = t.conversionTracking as { enabled?: unknown; destinations?: unknown } | undefined;
  const mcp = t.mcp as { enabled?: unknown } | undefined;
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is never => typeof x === 'string') : []);
  return {
    sources: list(t.sources),
    integrations: list(t.integrations),
    conversionTracking: { enabled: ct?.enabled === true, destinations: list(ct?.destinations) },
    mcp: { enabled: mcp?.enabled === true },
  };
}

function checkPopulatedSecrets(t: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (!Array.isArray(t.populatedSecrets)) return;
  const allowed = tenantSecretIds(featureFieldsOf(t));
  t.populatedSecrets.forEach((id: unknown, i: number) => {
    if (typeof id === 'string' && !allowed.includes(id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['populatedSecrets', i],
        message: `"${id}" is not a secret this tenant's config implies; allowed: ${allowed.join(', ') || '(none: the tenant has no secret)'}. Record secrets with npm run secrets -- --record`,
      });
    }
  });
}

function checkRetiringFeatures(t: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (!Array.isArray(t.retiringFeatures)) return;
  const fields = featureFieldsOf(t);
  const enabled: string[] = enabledFeatures(fields);
  t.retiringFeatures.forEach((feature: unknown, i: number) => {
    if (typeof feature !== 'string') return;
    if (!isFeatureKey(feature)) {
      ctx.addIssue({
        code: 'custom',
        path: ['retiringFeatures', i],
        message: `"${feature}" is not a feature key; the forms are ${FEATURE_KEY_FORMS.join(', ')}; this tenant's features: ${enabled.join(', ') || '(none)'}`,
      });
    } else if (!enabled.includes(feature)) {
      ctx.addIssue({
        code: 'custom',
        path: ['retiringFeatures', i],
        message: `"${feature}" is not enabled in this file, so there is nothing to retire: a feature stays configured while it retires. Remove it from retiringFeatures (if it was removed already, its resources left with it); this tenant's features: ${enabled.join(', ') || '(none)'}`,
      });
    }
  });
  // The ingest of the ROLLER checkout carries conversion tracking (DPA C.1): roller cannot leave first.
  if (t.retiringFeatures.includes('source:roller') && fields.conversionTracking.enabled && !t.retiringFeatures.includes('conversion-tracking')) {
    ctx.addIssue({
      code: 'custom',
      path: ['retiringFeatures'],
      message: 'source:roller is retiring but conversion tracking, which relays events from the ROLLER checkout (DPA C.1), is not; retire conversion-tracking too, or keep roller',
    });
  }
}

export type TenantConfig = z.infer<typeof tenantSchema>;
export type TenantInput = z.input<typeof tenantSchema>;
