import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerraformStack, Testing } from 'cdktf';
import { tenantStackName } from '../../config/naming';
import { ProjectIamAuditConfig } from '@cdktf/provider-google/lib/project-iam-audit-config';
import { defineCheck } from '../../compliance/deployability/check';
import { DEPLOY_CHECKS, deployCheckById } from '../../compliance/deployability/pack';
import { RESOURCE_APIS, parseResourceApis, parseServiceAgents } from '../../compliance/deployability/data-tables';
import { ComplianceError } from '../../compliance/engine';
import { checkSynthesizedStacks, synthesizeStack } from '../../compliance/synth-gate';
import { synthesizeStacks } from '../../scripts/lib/synthesis';
import { bareTenantStack, barePlatformStack, realPlatformStack } from '../compliance/support';
import { FIXTURE_ENVIRONMENTS_DIR, fixtureTenantStacks } from '../support/synth';
import { createdProject, PROJECT_ID } from './fixtures';
import { checkStack } from './support';

describe('the deployability pack', () => {
  it('has one check per file with a stable DEP id and at least one source each', () => {
    const files = fs.readdirSync(path.join(__dirname, '../../compliance/deployability/checks')).filter((f) => f.endsWith('.ts'));
    const ids = DEPLOY_CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of DEPLOY_CHECKS) {
      expect(c.sources.length).toBeGreaterThan(0);
      expect(files).toContain(`${c.id.toLowerCase()}.ts`);
    }
    // Every check file is registered (a check written but not listed would never run).
    expect(files.map((f) => f.replace(/\.ts$/, '').toUpperCase()).sort()).toEqual([...ids].sort());
    expect(() => deployCheckById('DEP-NOPE')).toThrow(/no deployability check "DEP-NOPE"/);
  });

  it('fails closed: a check that throws is a violation naming the check and its source', () => {
    const throwing = defineCheck({
      id: 'DEP-THROWS',
      explanation: 'test',
      sources: ['https://example.test/source'],
      appliesTo: ['tenant'],
      check: () => {
        throw new Error('cannot read');
      },
    });
    const { stack, env, tenant } = bareTenantStack();
    const outcome = checkStack(throwing, stack, env, tenant);
    expect(outcome.violations).toEqual([
      expect.stringMatching(/^\[tenant-fixture-rule-test\] \(stack\) breaks DEP-THROWS \(https:\/\/example\.test\/source\): the check could not read this stack: cannot read Fix: /),
    ]);
  });

  it('has an API row, with a source, for every type the example stacks use', () => {
    const stacks = [synthesizeStack(realPlatformStack().stack), ...fixtureTenantStacks().values()];
    const missing = new Set<string>();
    for (const stack of stacks) {
      for (const type of Object.keys(stack.json.resource ?? {})) if (!RESOURCE_APIS.has(type)) missing.add(type);
      for (const type of Object.keys(stack.json.data ?? {})) if (!RESOURCE_APIS.has(`data.${type}`)) missing.add(`data.${type}`);
    }
    expect([...missing]).toEqual([]);
    for (const row of RESOURCE_APIS.values()) expect(row.source).toMatch(/v6\.50\.0|https:\/\//);
  }, 120_000);

  it('refuses malformed data rows with the file, row and field', () => {
    expect(() => parseResourceApis({ rows: [{ type: 'google_x', api: null, source: 's' }] })).toThrow(/resource-apis\.json: rows\[0\]\.note/);
    expect(() => parseServiceAgents({ rows: [{ domain: 'gcp-sa-x.iam.gserviceaccount.com', service: 'x.googleapis.com', createdWith: 'sometimes', source: 'https://a' }] })).toThrow(
      /service-agents\.json: rows\[0\]\.createdWith/,
    );
  });
});

describe('the synthesis gate runs both packs', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('refuses a stack that breaks a deployability check, in one error with the DPA violations, using the platform stack it is given', () => {
    const { tenant, env } = bareTenantStack();
    const app = Testing.app();
    const own = new TerraformStack(app, tenantStackName(env.name, tenant.id));
    createdProject(own);
    new ProjectIamAuditConfig(own, 'audit-pubsub', { project: PROJECT_ID, service: 'pubsub.googleapis.com', auditLogConfig: [{ logType: 'DATA_READ' }] });
    let asked = 0;
    const platform = synthesizeStack(barePlatformStack().stack);
    const { violations } = checkSynthesizedStacks([synthesizeStack(own)], [env], () => {
      asked++;
      return platform;
    });
    const message = new ComplianceError(violations).message;
    expect(message).toMatch(/of the DPA rule pack and \d+ violations? of the deployability pack/);
    expect(message).toMatch(/\[tenant-fixture-rule-test\] google_project_iam_audit_config\.audit-pubsub \(tenant-fixture-rule-test\/audit-pubsub\) breaks DEP-ORDER \(/);
    expect(message).toMatch(/breaks DEP-TF-VERSION \(/);
    expect(message).toMatch(/DPA /);
    expect(asked).toBe(1);
  });

  it('checks a tenant stack synthesized alone (STACKS): the pipeline gives the gate the platform stack, and nothing is written', async () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'dep-gate-'));
    dirs.push(outdir);
    const name = tenantStackName('fixture', 'thames-bowl');
    const synthesis = synthesizeStacks({
      environmentsDir: FIXTURE_ENVIRONMENTS_DIR,
      environment: 'fixture',
      outdir,
      stacks: [name],
      customize: (app) => {
        const stack = app.node.tryFindChild(name) as TerraformStack | undefined;
        if (stack) new ProjectIamAuditConfig(stack, 'late-audit', { project: 'ssx-thames-bowl', service: 'run.googleapis.com', auditLogConfig: [{ logType: 'DATA_READ' }] });
      },
    });
    await expect(synthesis).rejects.toThrow(/\[tenant-fixture-thames-bowl\] google_project_iam_audit_config\.late-audit \(tenant-fixture-thames-bowl\/late-audit\) breaks DEP-ORDER/);
    expect(fs.existsSync(path.join(outdir, 'manifest.json'))).toBe(false);
    expect(fs.existsSync(path.join(outdir, 'stacks')) ? fs.readdirSync(path.join(outdir, 'stacks')) : []).toEqual([]);
  }, 120_000);
});
