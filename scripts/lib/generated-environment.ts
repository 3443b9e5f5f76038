/**
 * A generated environment of N tenants (every jurisdiction, every feature mixed), written as config
 * files into a folder of the caller's: what `npm run bench` measures and what the synthesis tests
 * synthesize. The organization, billing account and domain are fictional.
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { INTEGRATIONS } from '../../config/catalog';
import { JURISDICTIONS, JURISDICTION_RULES } from '../../config/jurisdictions';

const digest = (n: number) => String(n).repeat(64);

/** What varies between the platform.yaml documents of generated and test environments. */
export interface PlatformDocumentOptions {
  readonly environment: string;
  readonly projectPrefix: string;
  /** Of the organization, its groups and contacts. Default smartsegments.example. */
  readonly domain?: string;
  readonly organizationId?: string;
  readonly directoryCustomerId?: string;
  readonly billingAccount?: string;
  /** The first tenant folder's number; one folder per jurisdiction follows it. Default 100000000001. */
  readonly firstFolder?: number;
  /** false: no folder recorded yet (an environment before its first deploy). */
  readonly foldersRecorded?: boolean;
  readonly jurisdictions?: readonly string[];
  readonly platformJurisdiction?: string;
  /** The region of the platform registry the image references point at. Default europe-west1. */
  readonly registryRegion?: string;
}

/**
 * A platform.yaml document: every field the schema requires, fictional values, every jurisdiction
 * served and every folder recorded unless told otherwise. The one builder behind the generated
 * environments of `npm run bench` and the tests' in-memory and temporary environments.
 */
export function platformDocument(o: PlatformDocumentOptions): Record<string, unknown> {
  const domain = o.domain ?? 'smartsegments.example';
  const jurisdictions = o.jurisdictions ?? ['EEA', 'UK', 'CH', 'AU'];
  const first = o.firstFolder ?? 100000000001;
  const registry = `${o.registryRegion ?? 'europe-west1'}-docker.pkg.dev/${o.projectPrefix}-platform/relay`;
  return {
    environment: o.environment,
    organization: { id: o.organizationId ?? '123456789012', domain, directoryCustomerId: o.directoryCustomerId ?? 'C01exmpl2' },
    billingAccount: o.billingAccount ?? '01ABCD-23EF45-6789AB',
    projectPrefix: o.projectPrefix,
    platformJurisdiction: o.platformJurisdiction ?? 'EEA',
    jurisdictions,
    tenantFolders: o.foldersRecorded === false ? {} : Object.fromEntries(JURISDICTIONS.map((j, i) => [j, `folders/${first + i}`])),
    stateBucket: { name: `${o.projectPrefix}-${o.environment}-tfstate` },
    ci: { provider: 'github', repository: 'smart-segments/platform', mainBranch: 'main', repositoryId: '700000001', repositoryOwnerId: '90000001', githubEnvironment: 'production' },
    groups: {
      platformAdmins: `platform-admins@${domain}`,
      securityResponders: `security-responders@${domain}`,
      support: `support-engineers@${domain}`,
    },
    contacts: { security: `security@${domain}`, legal: `legal@${domain}` },
    images: {
      ingestWebhook: `${registry}/ingest-webhook@sha256:${digest(1)}`,
      conversionRelay: `${registry}/conversion-relay@sha256:${digest(2)}`,
      mcpEndpoint: `${registry}/mcp-endpoint@sha256:${digest(3)}`,
      integrationSync: `${registry}/integration-sync@sha256:${digest(4)}`,
    },
    edgeDomain: `hooks.${domain}`,
    edge: { waf: { mode: 'enforce', sensitivity: 1 } },
  };
}

/** platform.yaml of a generated environment (every jurisdiction served, every folder recorded). */
export function generatedPlatform(environment: string): Record<string, unknown> {
  return platformDocument({ environment, projectPrefix: 'ssg' });
}

/** The i-th generated tenant file: jurisdictions, regions and features rotate with i. */
export function generatedTenant(i: number) {
  const jurisdiction = JURISDICTIONS[i % JURISDICTIONS.length];
  const rules = JURISDICTION_RULES[jurisdiction];
  const conversion = i % 2 === 0;
  return {
    id: `bench-${String(i).padStart(5, '0')}`,
    displayName: `Benchmark tenant ${i}`,
    jurisdiction,
    region: rules.regions[i % rules.regions.length],
    sources: ['roller', ...(i % 3 === 0 ? ['revsport'] : [])],
    integrations: INTEGRATIONS.filter((_, k) => (i + k) % 4 === 0),
    conversionTracking: conversion
      ? { enabled: true, destinations: ['meta', 'google-ads'], googleDeniedConsent: i % 4 === 0 ? 'drop' : 'modeled' }
      : { enabled: false },
    mcp: { enabled: i % 3 !== 0 },
    llmSupport: i % 5 === 0 ? 'restricted' : 'allowed',
    warehouse: { mode: 'smart-segments' },
    contacts: { security: `security@bench-${i}.example` },
  };
}

/** Writes `<environmentsDir>/<environment>/` with platform.yaml and `tenants` tenant files. */
export function writeGeneratedEnvironment(environmentsDir: string, environment: string, tenants: number): void {
  const envDir = path.join(environmentsDir, environment);
  fs.mkdirSync(path.join(envDir, 'tenants'), { recursive: true });
  fs.writeFileSync(path.join(envDir, 'platform.yaml'), stringify(generatedPlatform(environment)));
  for (let i = 0; i < tenants; i++) {
    const t = generatedTenant(i);
    fs.writeFileSync(path.join(envDir, 'tenants', `${t.id}.yaml`), stringify(t));
  }
}
