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

/** platform.yaml of a generated environment (every jurisdiction served, every folder recorded). */
export function generatedPlatform(environment: string): Record<string, unknown> {
  return {
    environment,
    organization: { id: '123456789012', domain: 'smartsegments.example', directoryCustomerId: 'C01exmpl2' },
    billingAccount: '01ABCD-23EF45-6789AB',
    projectPrefix: 'ssg',
    platformJurisdiction: 'EEA',
    jurisdictions: ['EEA', 'UK', 'CH', 'AU'],
    tenantFolders: { EEA: 'folders/100000000001', UK: 'folders/100000000002', CH: 'folders/100000000003', AU: 'folders/100000000004' },
    stateBucket: { name: `ssg-${environment}-tfstate` },
    ci: { provider: 'github', repository: 'smart-segments/platform', mainBranch: 'main', repositoryId: '700000001', repositoryOwnerId: '90000001', githubEnvironment: 'production' },
    groups: {
      platformAdmins: 'platform-admins@smartsegments.example',
      securityResponders: 'security-responders@smartsegments.example',
      support: 'support-engineers@smartsegments.example',
    },
    contacts: { security: 'security@smartsegments.example', legal: 'legal@smartsegments.example' },
    images: {
      ingestWebhook: `europe-west1-docker.pkg.dev/ssg-platform/relay/ingest-webhook@sha256:${digest(1)}`,
      conversionRelay: `europe-west1-docker.pkg.dev/ssg-platform/relay/conversion-relay@sha256:${digest(2)}`,
      mcpEndpoint: `europe-west1-docker.pkg.dev/ssg-platform/relay/mcp-endpoint@sha256:${digest(3)}`,
      integrationSync: `europe-west1-docker.pkg.dev/ssg-platform/relay/integration-sync@sha256:${digest(4)}`,
    },
    edgeDomain: 'hooks.smartsegments.example',
    edge: { waf: { mode: 'enforce', sensitivity: 1 } },
  };
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
