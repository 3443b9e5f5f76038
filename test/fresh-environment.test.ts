/**
 * A brand-new environment: a platform.yaml with its served jurisdictions, no folder recorded yet and
 * no tenant. Its platform stack must still create a folder (with guardrails, logging settings and a
 * central audit log) for every served jurisdiction, so the first tenant of each finds its folder,
 * and the synthesis gate must accept it. Written to a temporary folder: nothing in environments/.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { evaluateApp } from '../compliance/synth-gate';
import { SynthesizedStack } from '../compliance/synthesized-stack';
import { loadEnvironment } from '../config/loader';
import { JURISDICTION_RULES, type Jurisdiction } from '../config/jurisdictions';
import { buildApp } from '../stacks/build-app';

const SERVED: Jurisdiction[] = ['EEA', 'UK', 'CH', 'AU'];

const digest = (n: number) => String(n).repeat(64);
const platformYaml = {
  environment: 'fresh',
  organization: { id: '210987654321', domain: 'smartsegments.example', directoryCustomerId: 'C02fresh1' },
  billingAccount: '02ABCD-23EF45-6789AB',
  projectPrefix: 'ssf',
  platformJurisdiction: 'UK',
  jurisdictions: ['UK', 'EEA', 'CH', 'AU'],
  tenantFolders: {},
  stateBucket: { name: 'ssf-fresh-tfstate' },
  ci: { provider: 'github', repository: 'smart-segments/platform', repositoryId: '700000001', repositoryOwnerId: '90000001', mainBranch: 'main' },
  groups: {
    platformAdmins: 'platform-admins@smartsegments.example',
    securityResponders: 'security-responders@smartsegments.example',
    support: 'support-engineers@smartsegments.example',
  },
  contacts: { security: 'security@smartsegments.example', legal: 'legal@smartsegments.example' },
  images: {
    ingestWebhook: `europe-west2-docker.pkg.dev/ssf-platform/relay/ingest-webhook@sha256:${digest(1)}`,
    conversionRelay: `europe-west2-docker.pkg.dev/ssf-platform/relay/conversion-relay@sha256:${digest(2)}`,
    mcpEndpoint: `europe-west2-docker.pkg.dev/ssf-platform/relay/mcp-endpoint@sha256:${digest(3)}`,
    integrationSync: `europe-west2-docker.pkg.dev/ssf-platform/relay/integration-sync@sha256:${digest(4)}`,
  },
  edgeDomain: 'hooks.smartsegments.example',
};

describe('a fresh environment with an empty tenantFolders and no tenants', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-fresh-'));
    fs.mkdirSync(path.join(dir, 'fresh'));
    fs.writeFileSync(path.join(dir, 'fresh', 'platform.yaml'), stringify(platformYaml));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads', () => {
    const env = loadEnvironment('fresh', { environmentsDir: dir });
    expect(env.tenants).toEqual([]);
    expect(env.platform.tenantFolders).toEqual({});
  });

  it('synthesizes a platform stack, accepted by the synthesis gate, with a folder for every served jurisdiction', () => {
    // The first deployment runs with local state (the state bucket does not exist yet).
    const app = buildApp({ environmentsDir: dir, environment: 'fresh', platformStateBackend: 'local' });
    const env = loadEnvironment('fresh', { environmentsDir: dir });
    const { stacks, evaluations } = evaluateApp(app, [env]);
    expect(stacks.map((s) => s.name)).toEqual(['platform-fresh']);
    expect(evaluations.flatMap((e) => e.violations)).toEqual([]);
    const stack: SynthesizedStack = stacks[0];

    const folders = stack.ofType('google_folder');
    expect(folders.map((f) => f.values.display_name).sort()).toEqual([
      'fresh-au',
      'fresh-audit-au',
      'fresh-audit-ch',
      'fresh-audit-eea',
      'fresh-audit-uk',
      'fresh-ch',
      'fresh-eea',
      'fresh-platform',
      'fresh-uk',
    ]);
    // Nothing is recorded yet, so no folder carries a postcondition on its id.
    expect(folders.every((f) => f.values.lifecycle === undefined)).toBe(true);

    for (const j of SERVED) {
      const folder = folders.find((f) => f.values.display_name === `fresh-${j.toLowerCase()}`)!;
      const name = `\${google_folder.${folder.name}.name}`;
      const locations = stack
        .ofType('google_org_policy_policy')
        .find((p) => p.values.name === `${name}/policies/gcp.resourceLocations`)!;
      expect((locations.values.spec as any).rules[0].values.allowed_values).toEqual(JURISDICTION_RULES[j].orgPolicyLocations);
      const settings = stack.ofType('google_logging_folder_settings').filter((s) => s.values.folder === `\${google_folder.${folder.name}.folder_id}`);
      expect(settings.map((s) => s.values.storage_location)).toEqual([JURISDICTION_RULES[j].logLocation]);
      const auditProject = stack.ofType('google_project').find((p) => p.values.project_id === `ssf-audit-${j.toLowerCase()}`)!;
      // In the jurisdiction's audit folder, apart from its tenants (docs/security.md).
      const auditFolder = folders.find((f) => f.values.display_name === `fresh-audit-${j.toLowerCase()}`)!;
      expect(auditProject.values.folder_id).toBe(`\${google_folder.${auditFolder.name}.folder_id}`);
    }
    const output = (stack.json.output as Record<string, { value: Record<string, string> }>).tenant_folders.value;
    expect(Object.keys(output).sort()).toEqual([...SERVED].sort());
  });
});
