/**
 * TenantDataPlane: the services that carry one tenant's data (DPA Annex I A.5-A.10 and Section C),
 * composed from the tenant's config, which is the customer's documented instruction (DPA 2.3).
 * Each optional feature (sources, conversion tracking, MCP, integrations) adds its resources, secrets
 * and grants only when the config turns it on. In a customer-owned project (HAND-2) the same
 * resources go into that project and nothing project-wide is changed; its workloads run a copy of
 * the relay images from a repository in that project, and wait until the copy is recorded
 * (`copiedImages`, config/relay-images.ts).
 * A workload that mounts secrets is declared only once the tenant records them as populated
 * (`populatedSecrets`, config/workload-secrets.ts); its secrets, account and grants exist from the
 * first apply, so an operator can fill them. A feature listed in `retiringFeatures` keeps its
 * resources with their delete protection lifted (config/lifecycle.ts featureProtection), so the
 * next change can remove them.
 * In a project Smart Segments owns, every store of Customer Data (warehouse, source and conversion
 * topics, secrets, conversion state) is encrypted with the tenant's own keys (TenantKeys, ENC-2),
 * which offboarding destroys (crypto-shredding, DEL-2). A customer's own project gets no key ring
 * (HAND-2: only what the config names), so its stores keep Google-managed encryption.
 */
import { Construct } from 'constructs';
import { SOURCE_INFO, type Source } from '../config/catalog';
import { integrationFeature, sourceFeature } from '../config/features';
import { featureProtection } from '../config/lifecycle';
import type { ResolvedTenant } from '../config/loader';
import { WORKLOAD_ACCOUNT_IDS, integrationAccountId, sourceSecretId } from '../config/naming';
import type { RelayImageKey } from '../config/relay-images';
import { servedDestinations, servedSources, tenantWorkloads, workloadRuns } from '../config/workload-secrets';
import type { PlatformConfig } from '../config/schema';
import { CONSENT_WITHDRAWALS_TOPIC, CONVERSION_EVENTS_TOPIC, ConversionPipeline } from './conversion-pipeline';
import { ConversionRelay } from './conversion-relay';
import { ConversionState } from './conversion-state';
import { EventPipeline } from './event-pipeline';
import { ImagePullAccess } from './image-pull-access';
import { IntegrationJob } from './integration-job';
import { IntegrationSecret } from './integration-secret';
import { group } from './principal';
import { PublicEdge, type EdgeBackend } from './public-edge';
import { RelayService } from './relay-service';
import { SecretRotationNotices } from './secret-rotation-notices';
import { ServiceAgents } from './service-agents';
import { TenantImageRepository } from './tenant-image-repository';
import { TenantKeys, type StoreEncryption } from './tenant-keys';
import type { TenantProject } from './tenant-project';
import { Warehouse } from './warehouse';
import { WorkloadIdentity } from './workload-identity';

/** Source events wait up to 7 days for the warehouse load: Customer Data, not conversion events. */
export const SOURCE_EVENT_RETENTION_SECONDS = 7 * 24 * 60 * 60;
export const SOURCE_EVENTS_TOPIC = 'source-events';
export const SOURCE_EVENTS_TABLE = 'source_events';

/** Path prefixes the public edge routes, per service. */
export const EDGE_PATHS = {
  sources: '/sources',
  conversions: '/conversions',
  consent: '/consent',
  mcp: '/mcp',
} as const;

export interface TenantDataPlaneProps {
  readonly tenant: ResolvedTenant;
  readonly platform: PlatformConfig;
  readonly project: TenantProject;
}

export class TenantDataPlane extends Construct {
  readonly warehouse: Warehouse;
  readonly dbt: WorkloadIdentity;
  readonly serviceAgents: ServiceAgents;
  /** The tenant's keys (ENC-2); undefined in a customer's own project (HAND-2). */
  readonly keys?: TenantKeys;
  readonly sourcePipeline?: EventPipeline;
  readonly ingest?: RelayService;
  readonly conversionPipeline?: ConversionPipeline;
  readonly conversionState?: ConversionState;
  readonly conversionRelay?: ConversionRelay;
  readonly mcp?: RelayService;
  readonly integrationJobs: readonly IntegrationJob[];
  /** The public edge, when the config has a public service (sources or MCP); only its address while none runs yet. */
  readonly edge?: PublicEdge;
  /** In a project Smart Segments owns: the Cloud Run agent's read access to the platform registry. */
  readonly imagePull?: ImagePullAccess;
  /** In a customer's own project: the repository of the tenant's copy of the relay images. */
  readonly imageRepository?: TenantImageRepository;
  private rotation?: SecretRotationNotices;
  private readonly props: TenantDataPlaneProps;

  constructor(scope: Construct, id: string, props: TenantDataPlaneProps) {
    super(scope, id);
    this.props = props;
    const { tenant, platform, project } = props;
    const protection = tenant.lifecycleView.protection;
    const jurisdiction = tenant.jurisdiction;
    const region = tenant.region;
    this.serviceAgents = new ServiceAgents(this, 'service-agents', { project });
    // A customer's own project pulls the relay images from its own copy (config/relay-images.ts);
    // the repository comes with the first apply, before any workload waiting for its copy appears.
    if (!project.isOwnedBySmartSegments && tenantWorkloads(tenant).length > 0) {
      this.imageRepository = new TenantImageRepository(this, 'image-repository', { project, tenant, platform });
    }
    if (project.isOwnedBySmartSegments) {
      this.keys = new TenantKeys(this, 'keys', {
        project,
        jurisdiction,
        region,
        protectData: protection.protectData,
        protectWorkloads: protection.protectWorkloads,
      });
    }

    // Warehouse (DPA A.7) and dbt Labs' transformation account (Annex III, SUB-1).
    this.warehouse = new Warehouse(this, 'warehouse', {
      project,
      jurisdiction,
      region,
      protectData: protection.protectData,
      encryption: this.storeEncryption,
    });
    this.dbt = new WorkloadIdentity(this, 'dbt-identity', {
      project,
      accountId: WORKLOAD_ACCOUNT_IDS.dbt,
      displayName: 'dbt Labs transformations',
      description: "dbt Labs (DPA Annex III subprocessor) runs the tenant's SQL transformations as this account: job user and dataset editor only.",
    });
    // IAM-2: project-level because BigQuery jobs are created in a project, not on a dataset.
    this.dbt.grantProjectRole('roles/bigquery.jobUser');
    this.warehouse.grantEdit(this.dbt);

    if (tenant.conversionTracking.enabled && !tenant.sources.includes('roller')) {
      throw new Error(`TenantDataPlane ${tenant.id}: conversion tracking relays events from the ROLLER checkout (DPA C.1); add "roller" to sources`);
    }
    // Only running services are routed; the edge exists (its address at least) whenever the config has a public service.
    const backends: EdgeBackend[] = [];
    if (tenant.sources.length > 0) {
      const ingest = this.buildIngest();
      this.sourcePipeline = ingest.pipeline;
      this.ingest = ingest.service;
      this.conversionPipeline = ingest.conversion?.pipeline;
      this.conversionState = ingest.conversion?.state;
      this.conversionRelay = ingest.conversion?.relay;
      if (this.ingest) {
        backends.push({
          service: this.ingest,
          pathPrefixes: [EDGE_PATHS.sources, ...(tenant.conversionTracking.enabled ? [EDGE_PATHS.conversions, EDGE_PATHS.consent] : [])],
        });
      }
    }

    // The MCP endpoint mounts no secret; in a customer's own project it waits for its image's copy.
    if (tenant.mcp.enabled && workloadRuns(tenant, WORKLOAD_ACCOUNT_IDS.mcpEndpoint)) {
      this.mcp = this.buildMcp(featureProtection(tenant, ['mcp']).protectWorkloads);
      backends.push({ service: this.mcp, pathPrefixes: [EDGE_PATHS.mcp] });
    }

    this.integrationJobs = [...tenant.integrations].sort().map(
      (integration) =>
        new IntegrationJob(this, `integration-${integration}`, {
          project,
          jurisdiction,
          region,
          integration,
          image: this.image('integrationSync'),
          warehouse: this.warehouse,
          rotationNotices: this.rotationNotices,
          protectData: featureProtection(tenant, [integrationFeature(integration)]).protectWorkloads,
          secretPopulated: workloadRuns(tenant, integrationAccountId(integration)),
          encryption: this.storeEncryption,
        }),
    );

    if (tenant.sources.length > 0 || tenant.mcp.enabled) {
      this.edge = new PublicEdge(this, 'edge', { project, hostname: this.hostname, backends, waf: platform.edge.waf });
    }

    // Every Cloud Run service or job here runs a platform image, pulled by the Cloud Run agent; the
    // grant comes with the first apply, before any workload waiting for its secrets appears.
    if (project.isOwnedBySmartSegments && tenantWorkloads(tenant).length > 0) {
      this.imagePull = new ImagePullAccess(this, 'image-pull', { serviceAgents: this.serviceAgents, platform });
    }
  }

  /**
   * The reference a workload runs: platform.yaml's in a project Smart Segments owns; the tenant's copy,
   * same digest, in a customer's own project, where same-project pulls need no grant
   * (cloud.google.com/artifact-registry/docs/deploy).
   */
  private image(key: RelayImageKey): string {
    return this.imageRepository ? this.imageRepository.imageFor(key) : this.props.platform.images[key];
  }

  /** `<tenant>.<edge domain>`, the tenant's public hostname. */
  get hostname(): string {
    return `${this.props.tenant.id}.${this.props.platform.edgeDomain}`;
  }

  /** The tenant's keys with the service agents that use them, for a store construct (ENC-2). */
  private get storeEncryption(): StoreEncryption | undefined {
    return this.keys ? { keys: this.keys, serviceAgents: this.serviceAgents } : undefined;
  }

  /** Created with the first secret, so a tenant without secrets has no rotation topic. */
  private get rotationNotices(): SecretRotationNotices {
    this.rotation ??= new SecretRotationNotices(this, 'secret-rotation', {
      project: this.props.project,
      jurisdiction: this.props.tenant.jurisdiction,
      serviceAgents: this.serviceAgents,
      readers: [group(this.props.platform.groups.platformAdmins)],
    });
    return this.rotation;
  }

  /** Ingest of source webhooks into the warehouse, and of checkout conversions into their pipeline. */
  private buildIngest(): {
    pipeline: EventPipeline;
    /** Undefined while a source's signing secret waits for its value. */
    service?: RelayService;
    conversion?: { pipeline: ConversionPipeline; state: ConversionState; relay: ConversionRelay };
  } {
    const { tenant, project } = this.props;
    const { jurisdiction, region } = tenant;
    const conversion = tenant.conversionTracking.enabled;
    // The ingest, its landing table and its pipeline serve every source: they retire with the last one.
    const ingestProtection = featureProtection(tenant, [...tenant.sources].map(sourceFeature));
    const conversionProtect = featureProtection(tenant, ['conversion-tracking']).protectWorkloads;

    const pipeline = new EventPipeline(this, 'source-events', {
      project,
      jurisdiction,
      serviceAgents: this.serviceAgents,
      encryption: this.keys,
      name: SOURCE_EVENTS_TOPIC,
      dataClass: 'customer-data',
      deadLetter: { retentionSeconds: SOURCE_EVENT_RETENTION_SECONDS },
    });
    const table = this.warehouse.addLandingTable(SOURCE_EVENTS_TABLE, 'Source webhook events as received (ROLLER, Revsport), one row per Pub/Sub message', {
      protect: ingestProtection.protectData,
    });
    // The Pub/Sub service agent writes the rows; it may edit this one table and nothing else.
    const tableGrant = this.warehouse.grantTableWrite(SOURCE_EVENTS_TABLE, this.serviceAgents.agent('pubsub'));
    pipeline.addSubscription('to-warehouse', {
      name: `${SOURCE_EVENTS_TOPIC}-to-warehouse`,
      retentionSeconds: SOURCE_EVENT_RETENTION_SECONDS,
      bigquery: { table },
      dependsOn: [tableGrant],
    });

    const identity = new WorkloadIdentity(this, 'ingest-identity', {
      project,
      accountId: WORKLOAD_ACCOUNT_IDS.ingestWebhook,
      displayName: 'Ingest webhook',
      description: `Receives ${tenant.sources.map((s) => SOURCE_INFO[s].displayName).join(' and ')} webhooks and publishes them (DPA A.5).`,
      handlesConversionEvents: conversion,
    });
    pipeline.grantPublish(identity);

    const secrets: Record<string, IntegrationSecret> = {};
    for (const source of [...tenant.sources].sort() as Source[]) {
      secrets[`${source.toUpperCase()}_WEBHOOK_SECRET`] = new IntegrationSecret(this, `source-secret-${source}`, {
        project,
        jurisdiction,
        secretId: sourceSecretId(source),
        purpose: `${SOURCE_INFO[source].displayName} webhook signing secret, to verify each delivery`,
        replicaLocations: [region],
        rotationNotices: this.rotationNotices,
        deletionProtection: featureProtection(tenant, [sourceFeature(source)]).protectWorkloads,
        encryption: this.storeEncryption,
      });
    }

    const env: Record<string, string> = {
      TENANT_ID: tenant.id,
      SOURCES: [...tenant.sources].sort().join(','),
      SOURCE_EVENTS_TOPIC: `projects/${project.projectId}/topics/${SOURCE_EVENTS_TOPIC}`,
      // Topics enforce their storage regions in transit, so publishers use the regional endpoint.
      PUBSUB_ENDPOINT: `${region}-pubsub.googleapis.com:443`,
    };
    let built: { pipeline: ConversionPipeline; state: ConversionState; relay: ConversionRelay } | undefined;
    if (conversion) {
      const conversionPipeline = new ConversionPipeline(this, 'conversion-pipeline', {
        project,
        jurisdiction,
        serviceAgents: this.serviceAgents,
        encryption: this.keys,
      });
      const state = new ConversionState(this, 'conversion-state', {
        project,
        jurisdiction,
        region,
        image: this.image('conversionRelay'),
        purgeJob: workloadRuns(tenant, WORKLOAD_ACCOUNT_IDS.conversionStatePurge),
        ttlSeconds: conversionPipeline.maxEventAgeSeconds,
        protectData: conversionProtect,
        encryption: this.storeEncryption,
      });
      const relay = new ConversionRelay(this, 'conversion-relay', {
        project,
        jurisdiction,
        region,
        tenantId: tenant.id,
        image: this.image('conversionRelay'),
        pipeline: conversionPipeline,
        state,
        destinations: tenant.conversionTracking.destinations,
        googleDeniedConsent: tenant.conversionTracking.googleDeniedConsent,
        rotationNotices: this.rotationNotices,
        serviceAgents: this.serviceAgents,
        protectData: conversionProtect,
        servedDestinations: servedDestinations(tenant),
        encryption: this.keys,
      });
      conversionPipeline.grantPublish(identity);
      conversionPipeline.grantPublishWithdrawals(identity);
      built = { pipeline: conversionPipeline, state, relay };
      env.CONVERSION_EVENTS_TOPIC = `projects/${project.projectId}/topics/${CONVERSION_EVENTS_TOPIC}`;
      env.CONSENT_WITHDRAWALS_TOPIC = `projects/${project.projectId}/topics/${CONSENT_WITHDRAWALS_TOPIC}`;
    }

    // Granted from the first apply, so they have propagated when the service appears (IAM changes propagate in typically 2, up to 7+ minutes: cloud.google.com/iam/docs/access-change-propagation).
    for (const secret of Object.values(secrets)) secret.grantAccess(identity);
    // The ingest serves the sources whose signing secret is recorded, and waits while none is.
    const served = servedSources(tenant);
    if (served.length === 0) return { pipeline, conversion: built };
    env.SOURCES = served.join(',');
    const service = new RelayService(this, 'ingest', {
      project,
      jurisdiction,
      region,
      name: 'ingest-webhook',
      description: 'Receives source and checkout webhooks behind the load balancer (DPA A.5, C.1)',
      image: this.image('ingestWebhook'),
      identity,
      exposure: 'public-webhook',
      env,
      secrets: Object.fromEntries(Object.entries(secrets).filter(([, s]) => (served.map(sourceSecretId) as string[]).includes(s.secretId))),
      deletionProtection: ingestProtection.protectWorkloads,
    });
    return { pipeline, service, conversion: built };
  }

  /** The MCP endpoint (DPA A.6): IAM-authenticated, reads the warehouse and nothing else. */
  private buildMcp(protect: boolean): RelayService {
    const { tenant, project } = this.props;
    const identity = new WorkloadIdentity(this, 'mcp-identity', {
      project,
      accountId: WORKLOAD_ACCOUNT_IDS.mcpEndpoint,
      displayName: 'MCP endpoint',
      description: "Answers the customer's MCP queries from the warehouse, read-only (DPA A.6).",
    });
    this.warehouse.grantRead(identity);
    // IAM-2: project-level because BigQuery query jobs are created in a project, not on a dataset.
    identity.grantProjectRole('roles/bigquery.jobUser');
    const service = new RelayService(this, 'mcp', {
      project,
      jurisdiction: tenant.jurisdiction,
      region: tenant.region,
      name: 'mcp-endpoint',
      description: "The customer's Model Context Protocol endpoint over its own data (DPA A.6)",
      image: this.image('mcpEndpoint'),
      identity,
      exposure: 'authenticated-edge',
      env: {
        TENANT_ID: tenant.id,
        WAREHOUSE_PROJECT: this.warehouse.projectId,
        WAREHOUSE_DATASET: this.warehouse.datasetId,
        WAREHOUSE_LOCATION: this.warehouse.location,
        WAREHOUSE_ACCESS: 'read-only',
      },
      // Clients calling through the edge ask for a token with this audience.
      customAudiences: [`https://${this.hostname}${EDGE_PATHS.mcp}`],
      deletionProtection: protect,
    });
    // No invoker is granted: the endpoint answers nobody until the config names one (docs/data-plane.md).
    return service;
  }
}
