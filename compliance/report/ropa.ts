/**
 * Records of processing (AUD-1, GDPR Art. 30(2), DPA 9.3), one per tenant, generated from the tenant
 * config, the catalogue (config/catalog.ts), the subprocessor register (config/subprocessors.ts), the
 * jurisdiction table and the synthesized stack (where data lives, how long each store keeps it, which
 * controls apply). The wording follows the DPA's Annex I, so the record reads as the contract does.
 */
import { CONVERSION_DESTINATION_INFO, INTEGRATION_INFO, SOURCE_INFO } from '../../config/catalog';
import { JURISDICTION_RULES, allowedLocations, type Jurisdiction } from '../../config/jurisdictions';
import { createsProject, type ResolvedTenant } from '../../config/loader';
import { WORKLOAD_ACCOUNT_IDS } from '../../config/naming';
import { SUPPORT_ACCESS_MAX_HOURS, scopeRoles } from '../../config/support-access';
import { SUBPROCESSORS } from '../../config/subprocessors';
import { DAY, HOUR, LOGGING_DEFAULT_RETENTION_DAYS, PUBSUB_SUBSCRIPTION_DEFAULT_RETENTION_SECONDS, inventoryDataStores } from '../deletion-horizon';
import type { StackEvaluation } from '../engine';
import { block, blocks } from '../json-blocks';
import { isGrantType, locationsOf } from '../locations';
import { CONVERSION_EVENT_MAX_LIFETIME_SECONDS } from '../../policy/dpa';
import { parseDurationSeconds } from '../../policy/retention-budget';
import { isConversionEventStore } from '../scope';
import type { SynthesizedResource, SynthesizedStack } from '../synthesized-stack';
import { describeGeneration, type GenerationMetadata } from './generation';
import type { RopaRecord } from './ropa-record';
import { stackControlStatus } from './status';

/** Short names of the services behind the resource types that name a location. */
const LOCATION_SERVICES: Readonly<Record<string, string>> = {
  google_bigquery_dataset: 'BigQuery',
  google_bigquery_table: 'BigQuery',
  google_logging_project_bucket_config: 'Cloud Logging',
  google_kms_key_ring: 'Cloud KMS',
  google_firestore_database: 'Firestore',
  google_secret_manager_secret: 'Secret Manager',
  google_secret_manager_regional_secret: 'Secret Manager',
  google_cloud_run_v2_service: 'Cloud Run',
  google_cloud_run_v2_job: 'Cloud Run',
  google_cloud_scheduler_job: 'Cloud Scheduler',
  google_compute_region_network_endpoint_group: 'load balancer (serverless NEG)',
  google_storage_bucket: 'Cloud Storage',
  google_artifact_registry_repository: 'Artifact Registry',
  google_pubsub_topic: 'Pub/Sub',
};

/**
 * Where a tenant's own resources are: the locations they name (a grant's location only repeats its
 * resource's), with the services using each; Pub/Sub's message storage policies apart, since they
 * list where a message may be stored, not where each is.
 */
export function locationsInUse(stack: SynthesizedStack): Pick<RopaRecord['location'], 'inUse' | 'inUseBy' | 'pubsubPersistence'> {
  const by = new Map<string, Set<string>>();
  const persistence = new Map<string, string[]>();
  for (const r of stack.resources) {
    if (isGrantType(r.type)) continue;
    for (const l of locationsOf(r)) {
      if (l.value.includes('${')) continue;
      if (r.type === 'google_pubsub_topic' && l.path.startsWith('message_storage_policy.')) continue;
      if (!by.has(l.value)) by.set(l.value, new Set());
      by.get(l.value)!.add(LOCATION_SERVICES[r.type] ?? r.type);
    }
    const allowed = (r.values.message_storage_policy as { allowed_persistence_regions?: unknown } | undefined)?.allowed_persistence_regions;
    if (r.type === 'google_pubsub_topic' && Array.isArray(allowed)) {
      const key = allowed.filter((x): x is string => typeof x === 'string' && !x.includes('${')).join(', ');
      if (!persistence.has(key)) persistence.set(key, []);
      persistence.get(key)!.push(String(r.values.name ?? r.name));
    }
  }
  const inUse = [...by.keys()].sort();
  return {
    inUse,
    inUseBy: inUse.map((location) => ({ location, services: [...by.get(location)!].sort() })),
    pubsubPersistence: [...persistence.entries()]
      .map(([regions, topics]) => ({ regions: regions ? regions.split(', ') : [], topics: topics.sort() }))
      .sort((a, b) => a.regions.join().localeCompare(b.regions.join())),
  };
}

/** DPA Annex I, Part 1: the data importer. */
export const PROCESSOR = {
  name: 'Smart Segments Pty. Ltd.',
  address: '81-83 Campbell Street, Surry Hills NSW 2010, Australia',
  contact: 'Jeroen Sijl, CEO, jeroen@smartsegments.ai',
  role: 'processor, DPA 2.2',
} as const satisfies RopaRecord['processor'];

const MECHANISM: Readonly<Record<Jurisdiction, string>> = {
  EEA: 'Standard Contractual Clauses, Module Two (Commission Implementing Decision (EU) 2021/914), incorporated by DPA 6.2; Irish law and courts',
  UK: 'Standard Contractual Clauses with the UK International Data Transfer Addendum, DPA 6.3',
  CH: 'Standard Contractual Clauses with the Swiss modifications of DPA 6.4 (FADP, FDPIC)',
  AU: 'no mechanism under DPA Section 6, which covers EEA, UK and Swiss data; Australian data is processed by an Australian processor',
};

const AUTHORITY: Readonly<Record<Jurisdiction, string>> = {
  EEA: "the supervisory authority of the EU member state of the customer's main establishment (DPA A.13)",
  UK: "the UK Information Commissioner's Office (DPA A.13)",
  CH: 'the Swiss Federal Data Protection and Information Commissioner (DPA 6.4(b))',
  AU: 'not set by the DPA (A.13 names authorities for EEA and UK customers)',
};

const ESTABLISHED: Readonly<Record<Jurisdiction, string>> = {
  EEA: 'the European Economic Area',
  UK: 'the United Kingdom',
  CH: 'Switzerland',
  AU: 'Australia',
};

function hours(seconds: number): string {
  return seconds % DAY === 0 ? `${seconds / DAY} day${seconds === DAY ? '' : 's'}` : `${+(seconds / HOUR).toFixed(1)} hours`;
}

/** How long a store keeps data while the tenant is served, read from its settings. */
function operationalRetention(stack: SynthesizedStack, r: SynthesizedResource): string {
  const v = r.values;
  const conversion = isConversionEventStore(r)
    ? ` (conversion events: at most ${CONVERSION_EVENT_MAX_LIFETIME_SECONDS / HOUR} hours end to end, RET-1)`
    : '';
  switch (r.type) {
    case 'google_pubsub_topic': {
      const s = parseDurationSeconds(v.message_retention_duration);
      return (s ? `the topic keeps messages ${hours(s)}` : 'the topic keeps no copy; messages live in its subscriptions') + conversion;
    }
    case 'google_pubsub_subscription': {
      const s = parseDurationSeconds(v.message_retention_duration) ?? PUBSUB_SUBSCRIPTION_DEFAULT_RETENTION_SECONDS;
      return `unacknowledged messages up to ${hours(s)}; acknowledged messages ${
        v.retain_acked_messages === true ? 'kept' : 'deleted at once'
      }${conversion}`;
    }
    case 'google_bigquery_dataset': {
      const ms = Number(v.default_table_expiration_ms);
      return Number.isFinite(ms)
        ? `tables expire after ${hours(ms / 1000)}`
        : 'for the duration of the Services Agreement (A.12); no automatic expiry';
    }
    case 'google_bigquery_table': {
      const ms = Number(block(v.time_partitioning)?.expiration_ms);
      return Number.isFinite(ms)
        ? `partitions expire after ${hours(ms / 1000)}`
        : 'rows kept for the duration of the Services Agreement (A.12)';
    }
    case 'google_storage_bucket': {
      const rules = blocks(v.lifecycle_rule);
      const age = rules
        .filter((x) => block(x.action)?.type === 'Delete')
        .map((x) => Number(block(x.condition)?.age))
        .filter(Number.isFinite);
      return age.length ? `objects deleted at age ${Math.min(...age)} day(s)` : 'objects kept until deleted';
    }
    case 'google_firestore_database': {
      const ttl = stack
        .ofType('google_firestore_field')
        .filter((f) => f.values.ttl_config !== undefined && String(f.values.database ?? '').includes(r.name));
      return ttl.length
        ? `documents expire by TTL on ${ttl
            .map((f) => `${String(f.values.collection)}.${String(f.values.field)}`)
            .join(', ')} and are purged${conversion || ' (RET-1)'}`
        : 'documents kept until deleted';
    }
    case 'google_secret_manager_secret':
      return `credential versions kept until rotated out or destroyed; rotation every ${hours(
        Number(String(block(v.rotation)?.rotation_period ?? '0').replace(/s$/, '')),
      )}`;
    case 'google_logging_project_bucket_config':
      return `logs kept ${String(v.retention_days ?? LOGGING_DEFAULT_RETENTION_DAYS)} days (Annex II 4)`;
    default:
      return 'see the resource';
  }
}

/** The record of processing of one tenant. */
export function buildRopaRecord(tenant: ResolvedTenant, stack: SynthesizedStack, evaluation: StackEvaluation): RopaRecord {
  const rules = JURISDICTION_RULES[tenant.jurisdiction];
  const minors = tenant.sources.some((s) => SOURCE_INFO[s].mayCarryMinors);
  const ct = tenant.conversionTracking;
  const dataSubjects = [
    "End Users of the customer's venues: consumers, ticket purchasers, bookers, members and event attendees (A.1)",
    ...(minors
      ? [
          `accompanying minors (children), whose names and dates of birth ${tenant.sources
            .map((s) => SOURCE_INFO[s].displayName)
            .join(' and ')} can carry (A.1, A.4; GDPR Art. 8)`,
        ]
      : []),
    "the customer's staff, administrators and other authorised users of the Services (A.1)",
    ...(ct.enabled ? ["End Users who complete purchases or other conversion events on the customer's website (C.2)"] : []),
  ];
  const extras = [
    ...new Set(
      tenant.integrations.flatMap((i) =>
        INTEGRATION_INFO[i].extraDataCategories.map((c) => `${c}, for ${INTEGRATION_INFO[i].displayName} (A.2, A.9)`),
      ),
    ),
  ];
  const dataCategories = [
    `identity data: first and last name, date of birth${minors ? ' (including that of accompanying minors)' : ''} (A.2)`,
    'contact data: email address, phone number and, where collected, postal address (A.2)',
    'booking and transaction data: bookings, tickets, order lines, attendance, refunds (A.2)',
    'payment-related data: tokens or references only, never card numbers (A.2)',
    'engagement and marketing data: preferences, opt-in and opt-out flags, communications history (A.2)',
    ...extras,
    "account and access data of the customer's staff users (A.2)",
    'technical data captured incidentally: IP addresses, user agents, device identifiers (A.2)',
    ...(ct.enabled
      ? [
          'hashed email addresses and phone numbers (SHA-256) (C.3)',
          'transaction data: order id, value, currency, products, timestamp (C.3)',
          'advertising click and cookie identifiers (fbc, fbp, gclid) (C.3)',
          "IP address and user agent, where the checkout's webhook carries them (C.3)",
        ]
      : []),
  ];
  const purposes = [
    "hosting and operating the Smart Segments Services on the customer's behalf (A.6)",
    `ingesting and consolidating data from ${
      tenant.sources.map((s) => SOURCE_INFO[s].displayName).join(', ') || 'the customer-configured source systems'
    } (A.6)`,
    'segmentation, analytics, queries, reporting and dashboards (A.6)',
    ...(tenant.mcp.enabled
      ? [
          "operating the customer's Model Context Protocol (MCP) endpoint, so the customer can query its own data with an LLM of its choice (A.6)",
        ]
      : []),
    ...(tenant.integrations.length
      ? [
          `transmitting the configured fields to ${tenant.integrations
            .map((i) => INTEGRATION_INFO[i].displayName)
            .join(', ')}, as the customer activated (A.6, A.8-A.10)`,
        ]
      : []),
    ...(ct.enabled
      ? [
          `relaying consented conversion events to ${ct.destinations
            .map((d) => CONVERSION_DESTINATION_INFO[d].displayName)
            .join(' and ')} (C.1, C.4)`,
        ]
      : []),
    "supporting, maintaining and troubleshooting the customer's instance (A.6)",
  ];
  const recipients = [
    ...tenant.integrations.map((i) => ({
      name: INTEGRATION_INFO[i].displayName,
      role: "the customer's processor or independent recipient; not a subprocessor of Smart Segments (DPA 5.5)",
      clause: INTEGRATION_INFO[i].dpaClause,
    })),
    ...ct.destinations.map((d) => ({
      name: CONVERSION_DESTINATION_INFO[d].displayName,
      role: 'independent controller (or joint controller with the customer); not a subprocessor (DPA 5.5, C.5)',
      clause: 'C.1, C.5',
    })),
    ...(tenant.mcp.enabled
      ? [
          {
            name: 'the LLM or AI service the customer connects to its MCP endpoint',
            role: "the customer's own choice and responsibility; not a subprocessor (DPA 5.5)",
            clause: '5.5, A.6',
          },
        ]
      : []),
  ];
  const usesDbt = stack.ofType('google_service_account').some((s) => s.values.account_id === WORKLOAD_ACCOUNT_IDS.dbt);
  const llmRestricted = tenant.llmSupport === 'restricted';
  const use: Record<string, string> = {
    'google-cloud': `hosts all of the tenant's data, in ${tenant.jurisdiction} locations only (${tenant.region} and the jurisdiction's multi-regions)`,
    'dbt-labs': usesDbt
      ? "runs SQL transformations on the tenant's dataset through its dedicated service account (SUB-1)"
      : 'not used for this tenant',
    anthropic: llmRestricted
      ? 'not used: the customer restricted LLM-assisted support (Annex II 14)'
      : 'may assist authorised personnel with minimum data to resolve reported issues (5.6, Annex II 14)',
  };
  const subprocessors = SUBPROCESSORS.map((s) => ({
    name: s.entity,
    purpose: s.purpose,
    location: s.location,
    mechanism: s.transferMechanism,
    use: use[s.id] ?? 'as listed in Annex III',
  }));
  const transfers = [
    {
      to: `${PROCESSOR.name} personnel (remote access for the purposes above, DPA 6.1, 6.5)`,
      location: 'Australia',
      mechanism: MECHANISM[tenant.jurisdiction],
    },
    ...(usesDbt
      ? [
          {
            to: 'dbt Labs, Inc. (Annex III)',
            location: 'United States',
            mechanism: `${SUBPROCESSORS.find((s) => s.id === 'dbt-labs')?.transferMechanism ?? ''}; ${MECHANISM[tenant.jurisdiction]}`,
          },
        ]
      : []),
    ...(!llmRestricted
      ? [
          {
            to: 'Anthropic, PBC (Annex III), minimum data only',
            location: 'United States',
            mechanism: `${SUBPROCESSORS.find((s) => s.id === 'anthropic')?.transferMechanism ?? ''}; ${MECHANISM[tenant.jurisdiction]}`,
          },
        ]
      : []),
  ];
  const { inUse, inUseBy, pubsubPersistence } = locationsInUse(stack);
  const horizon = new Map(inventoryDataStores(stack).stores.map((s) => [s.address, s]));
  const storeTypes = new Set([
    'google_pubsub_topic',
    'google_pubsub_subscription',
    'google_bigquery_dataset',
    'google_bigquery_table',
    'google_storage_bucket',
    'google_firestore_database',
    'google_secret_manager_secret',
    'google_logging_project_bucket_config',
  ]);
  const retention = stack.resources
    .filter((r) => storeTypes.has(r.type))
    .map((r) => {
      const h = horizon.get(r.address);
      const name = String(r.values.name ?? r.values.table_id ?? r.values.dataset_id ?? r.values.secret_id ?? r.values.bucket_id ?? r.name);
      return {
        store: `${h?.kind ?? r.type} ${name}`,
        address: r.address,
        retention: operationalRetention(stack, r),
        afterDeletion: h
          ? `${(h.retentionSeconds / DAY).toFixed(1)} days (${h.components.map((c) => c.what).join(' + ') || 'immediately'})`
          : 'n/a',
      };
    })
    .sort((a, b) => (a.store < b.store ? -1 : a.store > b.store ? 1 : 0));
  const measures = stackControlStatus(evaluation)
    .filter((m) => m.status !== 'not applicable')
    .map((m) => ({ control: m.control, status: m.status }));
  const owns = createsProject(tenant);
  // HAND-1: a released handover is a record of processing that ended on the effective date.
  const effective = tenant.lifecycleView.effectiveDate;
  const handedOver = tenant.lifecycleView.released && effective
    ? {
        effectiveDate: effective,
        statement: `No processing by Smart Segments since ${effective}: the customer took over the project ${tenant.projectId} and is solely responsible for the data retained in it (DPA 10.2).`,
      }
    : undefined;
  return {
    tenant: tenant.id,
    stack: stack.name,
    controller: {
      name: tenant.displayName,
      securityContact: tenant.contacts.security,
      privacyContact: tenant.contacts.privacy ?? tenant.contacts.security,
      establishedIn: ESTABLISHED[tenant.jurisdiction],
    },
    processor: PROCESSOR,
    lifecycle: tenant.lifecycle.state,
    warehouse: owns
      ? tenant.warehouse.mode === 'customer'
        ? `a dedicated project ${tenant.projectId} that Smart Segments provisioned for a later takeover (DPA 10.2, A.7)`
        : `Smart Segments-owned project ${tenant.projectId}; Smart Segments hosts it as processor (A.7)`
      : `the customer's own project ${tenant.projectId}; Smart Segments acts only on the customer's documented instructions (A.7, HAND-2)`,
    dataSubjects,
    dataCategories,
    specialCategories: 'none: special categories (GDPR Art. 9) and criminal-offence data (Art. 10) are excluded (A.3)',
    purposes,
    natureOfProcessing:
      'collection via APIs and webhooks, storage, organisation, structuring, retrieval, consultation, use, combination, restriction, transmission and erasure (A.5)',
    recipients,
    subprocessors,
    transfers,
    location: {
      jurisdiction: tenant.jurisdiction,
      region: tenant.region,
      allowed: allowedLocations(tenant.jurisdiction),
      inUse,
      inUseBy,
      pubsubPersistence,
      note: rules.note,
      project: tenant.projectId,
    },
    supervisoryAuthority: AUTHORITY[tenant.jurisdiction],
    retention,
    llmSupport: {
      choice: tenant.llmSupport,
      recordedIn: [
        tenant.sourceFile,
        ...(owns ? [`label llm-support=${tenant.llmSupport} on project ${tenant.projectId}`] : []),
        'this record',
      ],
      effect: llmRestricted
        ? "Smart Segments personnel do not use LLM services on this customer's data and rely on other means of investigation (Annex II 14)"
        : 'authorised personnel may use Anthropic Claude (Team / Commercial tier) on the minimum data needed to resolve a reported issue (5.6, Annex II 14)',
    },
    supportAccess: tenant.supportAccess.map((g) => ({ scope: g.scope, roles: scopeRoles(g.scope), granted: g.granted, until: g.until, reason: g.reason })),
    measures,
    ...(handedOver
      ? {
          frequency: `none since ${handedOver.effectiveDate}: the project was handed over to the customer (DPA 10.2)`,
          duration: `ended on ${handedOver.effectiveDate}, the effective date of the customer's takeover (DPA 10.2, HAND-1)`,
          handedOver,
        }
      : {
          frequency: 'continuous, for the duration of the Services Agreement (A.11)',
          duration: 'the Services Agreement, plus the deletion period of DPA Section 10 (A.12)',
        }),
  };
}

const bullet = (items: readonly string[]) => items.map((i) => `- ${i}`).join('\n');
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderRopaMarkdown(environment: string, records: readonly RopaRecord[], generated?: GenerationMetadata): string {
  const out: string[] = [
    `# Records of processing: environment \`${environment}\``,
    '',
    `Records of the processing Smart Segments carries out as processor (GDPR Art. 30(2), DPA 9.3, control AUD-1), one per tenant, generated by \`npm run ropa -- --env ${environment}\` from the tenant configs and the synthesized infrastructure. Do not edit by hand.`,
    '',
    ...(generated ? [describeGeneration(generated), ''] : []),
    `**Processor:** ${PROCESSOR.name}, ${PROCESSOR.address}. Contact: ${PROCESSOR.contact}.`,
    '',
    '| Tenant (controller) | Jurisdiction | Region | Conversion tracking | LLM-assisted support |',
    '|---|---|---|---|---|',
    ...records.map(
      (r) =>
        `| [${cell(r.controller.name)}](#${r.tenant}) | ${r.location.jurisdiction} | ${r.location.region} | ${
          r.recipients.some((x) => x.clause.startsWith('C.')) ? 'yes' : 'no'
        } | ${r.llmSupport.choice} |`,
    ),
    '',
  ];
  for (const r of records) {
    out.push(
      `<a id="${r.tenant}"></a>`,
      `## ${r.controller.name} (\`${r.tenant}\`)`,
      '',
      `- **Controller:** ${r.controller.name}, established in ${r.controller.establishedIn}. Security contact ${r.controller.securityContact}; privacy contact ${r.controller.privacyContact}.`,
      `- **Processor:** ${r.processor.name} (${r.processor.role}).`,
      `- **Lifecycle:** ${r.lifecycle}. **Warehouse:** ${r.warehouse}.`,
      ...(r.handedOver ? [`- **Handed over:** ${r.handedOver.statement}`] : []),
      `- **Competent supervisory authority:** ${r.supervisoryAuthority}.`,
      `- **Nature of the processing:** ${r.natureOfProcessing}. **Frequency:** ${r.frequency}. **Duration:** ${r.duration}.`,
      '',
      '### Categories of data subjects',
      bullet(r.dataSubjects),
      '',
      '### Categories of personal data',
      bullet(r.dataCategories),
      `- Special categories: ${r.specialCategories}.`,
      '',
      '### Purposes',
      bullet(r.purposes),
      '',
      '### Recipients (activated by the customer)',
      r.recipients.length
        ? [
            '| Recipient | Role | DPA |',
            '|---|---|---|',
            ...r.recipients.map((x) => `| ${cell(x.name)} | ${cell(x.role)} | ${x.clause} |`),
          ].join('\n')
        : 'None: the customer has activated no integration, conversion destination or MCP endpoint.',
      '',
      '### Subprocessors (Annex III)',
      [
        '| Subprocessor | Purpose | Location | Transfer mechanism | For this tenant |',
        '|---|---|---|---|---|',
        ...r.subprocessors.map(
          (s) => `| ${cell(s.name)} | ${cell(s.purpose)} | ${cell(s.location)} | ${cell(s.mechanism)} | ${cell(s.use)} |`,
        ),
      ].join('\n'),
      '',
      '### Transfers to third countries (DPA Section 6)',
      [
        '| To | Where | Mechanism |',
        '|---|---|---|',
        ...r.transfers.map((t) => `| ${cell(t.to)} | ${t.location} | ${cell(t.mechanism)} |`),
      ].join('\n'),
      '',
      '### Where the data lives',
      `Project \`${r.location.project}\`, jurisdiction ${r.location.jurisdiction}: ${r.location.note} Allowed: ${r.location.allowed.join(
        ', ',
      )}.`,
      '',
      `Locations in use by the tenant's resources: ${
        r.location.inUseBy.map((l) => `${l.location} (${l.services.join(', ')})`).join('; ') || 'none'
      }.${
        r.location.pubsubPersistence.length
          ? ` Pub/Sub message storage allowed in (a message is stored in the allowed region nearest its publisher): ${r.location.pubsubPersistence
              .map((p) => `${p.regions.join(', ')} (${p.topics.join(', ')})`)
              .join('; ')}.`
          : ''
      }`,
      '',
      '### Retention per store',
      [
        '| Store | While served | After deletion, a copy can exist |',
        '|---|---|---|',
        ...r.retention.map((s) => `| ${cell(s.store)} | ${cell(s.retention)} | ${cell(s.afterDeletion)} |`),
      ].join('\n'),
      '',
      '### LLM-assisted support (Annex II 14, LLM-1)',
      `Customer's choice: **${r.llmSupport.choice}**. ${r.llmSupport.effect}. Recorded in: ${r.llmSupport.recordedIn.join('; ')}.`,
      '',
      '### Support access (Annex II 2, IAM-5)',
      r.supportAccess.length === 0
        ? `None: no support engineer holds access to this customer's data (grants are made per ticket with \`npm run support-access\`, at most ${SUPPORT_ACCESS_MAX_HOURS} hours each).`
        : [
            '| Scope | Roles | Granted | Until | Reason |',
            '|---|---|---|---|---|',
            ...r.supportAccess.map((g) => `| ${g.scope} | ${g.roles.join(', ')} | ${g.granted} | ${g.until} | ${cell(g.reason)} |`),
          ].join('\n'),
      '',
      '### Technical and organisational measures (Annex II)',
      `Controls of docs/controls.md that apply to this tenant, with their status in the compliance report: ${r.measures
        .map((m) => `${m.control} (${m.status})`)
        .join(', ')}.`,
      '',
    );
  }
  return `${out.join('\n')}\n`;
}

/** The records as JSON for tools: the environment, how they were generated, and one record per tenant. */
export function renderRopaJson(environment: string, records: readonly RopaRecord[], generated?: GenerationMetadata): string {
  return `${JSON.stringify({ environment, generated: generated ?? null, records }, null, 2)}\n`;
}
