/**
 * The rule pack's machinery: the vendored control catalogue, one rule per file, suppressions with
 * reasons, and the synthesis gate (nothing written when a control is broken; it sees aspects and
 * escape-hatch overrides; what it checked is what was written).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BigqueryDataset } from '@cdktf/provider-google/lib/bigquery-dataset';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { TerraformResource, TerraformStack, type App } from 'cdktf';
import { CONTROLS, CONTROLS_FILE, loadControlCatalogue, parseControlsMarkdown } from '../../compliance/controls';
import { ComplianceError, contextFor, evaluateStack } from '../../compliance/engine';
import { RULES, checksOfControl } from '../../compliance/pack';
import { SynthesizedStack } from '../../compliance/synthesized-stack';
import { ACME, TABLE_PLATFORM, stackJson, stackNameOf } from './checks/table';
import { suppress, SUPPRESSIONS_KEY } from '../../compliance/suppressions';
import { tenantStackName } from '../../config/naming';
import { synthesizeStack } from '../../compliance/synth-gate';
import { synthesizeStacks } from '../../scripts/lib/synthesis';
import { FIXTURE_ENVIRONMENTS_DIR, REPO_ROOT } from '../support/synth';
import { bareTenantStack, check, runRule } from './support';

const labels = { tenant: 'rule-test', environment: 'fixture', 'data-residency': 'eu' };

describe('the control catalogue', () => {
  it('is docs/controls.md, in the repository: every row with an id, a clause and a requirement', () => {
    expect(loadControlCatalogue()).toEqual({ controls: CONTROLS, source: 'docs/controls.md' });
    expect(CONTROLS_FILE).toBe(path.join(REPO_ROOT, 'docs', 'controls.md'));
    expect(CONTROLS.length).toBeGreaterThan(30);
    for (const c of CONTROLS) expect([c.id, c.dpaClause.length > 0, c.requirement.length > 20]).toEqual([c.id, true, true]);
  });

  it('refuses a catalogue that lists a control twice', () => {
    expect(() => parseControlsMarkdown('| A-1 | 1 | x |\n| A-1 | 2 | y |')).toThrow(/twice/);
  });

  // (The clause is copied from the catalogue by defineCheck, so only the ids can be wrong here.)
  it('gives every check a known control id and an id <CONTROL>/<concern>, each id once', () => {
    for (const rule of RULES) {
      expect(CONTROLS.find((c) => c.id === rule.control)).toBeDefined();
      expect(rule.id).toMatch(new RegExp(`^${rule.control}/[a-z0-9]+(-[a-z0-9]+)*$`));
      expect(rule.controls[0]).toBe(rule.control);
      for (const c of rule.controls) expect(CONTROLS.map((x) => x.id)).toContain(c);
    }
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
  });
});

describe('one file per control, holding its checks', () => {
  it('every file of compliance/rules defines checks of one control only, and the pack lists every check of every file once', () => {
    const dir = path.join(REPO_ROOT, 'compliance', 'rules');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts'));
    let defined = 0;
    for (const f of files) {
      const ids = [...fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/defineCheck\(\{\s*id: '([A-Z]+-\d+)\/[a-z0-9-]+'/g)];
      expect([f, ids.length > 0, [...new Set(ids.map((m) => m[1].toLowerCase()))]]).toEqual([f, true, [f.split('-').slice(0, 2).join('-')]]);
      defined += ids.length;
    }
    expect(defined).toBe(RULES.length);
    expect(new Set(RULES).size).toBe(RULES.length);
    const pack = fs.readFileSync(path.join(REPO_ROOT, 'compliance', 'pack.ts'), 'utf8');
    for (const f of files) expect(pack).toContain(`./rules/${f.replace(/\.ts$/, '')}'`);
  });

  it('docs/compliance.md has a row for every check', () => {
    const docs = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'compliance.md'), 'utf8');
    for (const rule of RULES) expect([rule.id, docs.includes(`| ${rule.control} | \`${rule.id}\` |`)]).toEqual([rule.id, true]);
  });
});

describe('suppressions: one resource, one rule, a written reason', () => {
  it('suppresses exactly the named rule on exactly the named resource, and records the reason', () => {
    const { stack, env } = bareTenantStack();
    const london = new BigqueryDataset(stack, 'london', { project: 'ssx-rule-test', datasetId: 'l', location: 'europe-west2', labels });
    new BigqueryDataset(stack, 'zurich', { project: 'ssx-rule-test', datasetId: 'z', location: 'europe-west6', labels });
    suppress(london, 'RES-1/data-location', 'Test fixture: a copy of public reference data with no Customer Data in it.');
    const synthesized = synthesizeStack(stack);
    const evaluation = evaluateStack(contextFor(synthesized, [env]));
    const res1 = evaluation.outcomes.find((o) => o.rule.id === 'RES-1/data-location')!.findings;
    expect(res1.find((f) => f.status === 'non-compliant' && f.address === 'google_bigquery_dataset.london')).toMatchObject({
      suppressedBecause: expect.stringContaining('public reference data'),
    });
    expect(evaluation.violations.filter((v) => v.control === 'RES-1').map((v) => `${v.ruleId} ${v.address}`)).toEqual([
      'RES-1/data-location google_bigquery_dataset.zurich',
    ]);
    expect(evaluation.suppressions).toEqual([
      {
        stack: stack.node.id,
        address: 'google_bigquery_dataset.london',
        rule: 'RES-1/data-location',
        reason: 'Test fixture: a copy of public reference data with no Customer Data in it.',
        used: true,
      },
    ]);
    // The suppression travels in the resource's `//` metadata, which Terraform ignores.
    expect((synthesized.json.resource!.google_bigquery_dataset.london['//'] as Record<string, unknown>)[SUPPRESSIONS_KEY]).toBeDefined();
  });

  it('refuses a suppression without a reason, of an unknown check, of a whole control, or on a construct holding several resources', () => {
    const { stack } = bareTenantStack();
    const bucket = new StorageBucket(stack, 'b', { name: 'b', location: 'EU', labels });
    new StorageBucket(stack, 'c', { name: 'c', location: 'EU', labels });
    expect(() => suppress(bucket, 'RES-1/data-location', 'because')).toThrow(/written reason/);
    expect(() => suppress(bucket, 'XYZ-9', 'A long enough reason that names no real rule.')).toThrow(/not a check id/);
    expect(() => suppress(bucket, 'RES-1/no-such-concern', 'A long enough reason that names no real check.')).toThrow(
      /not a check of the pack/,
    );
    expect(() => suppress(bucket, 'RET-1', 'A long enough reason that names a whole control.')).toThrow(
      /names control RET-1 as a whole; a suppression names one check of it: RET-1\/topic-retention, .*RET-1\/bucket-lifecycle/,
    );
    expect(() => suppress(stack, 'RES-1/data-location', 'A long enough reason for a whole stack, which is refused.')).toThrow(/one resource/);
  });

  it('mutes only the named check: another check of the same control still judges the same resource', () => {
    const conversion = { 'data-class': 'conversion-events' };
    const json = stackJson({
      google_pubsub_topic: { events: { name: 'events', labels: conversion } },
      google_pubsub_subscription: {
        relay: { topic: '${google_pubsub_topic.events.id}', message_retention_duration: '3600s', cloud_storage_config: { bucket: 'conv' } },
      },
      google_storage_bucket: {
        conv: {
          name: 'conv',
          labels: conversion,
          '//': { [SUPPRESSIONS_KEY]: [{ rule: 'RET-1/bucket-lifecycle', reason: 'Test fixture: lifecycle muted on this bucket only.' }] },
        },
      },
    });
    const fixture = { name: 'muted lifecycle', json };
    const stack = new SynthesizedStack(stackNameOf(fixture), json);
    const env = { name: TABLE_PLATFORM.environment, dir: '(in memory)', platform: TABLE_PLATFORM, tenants: [ACME] };
    const evaluation = evaluateStack(contextFor(stack, [env]), checksOfControl('RET-1'));
    expect(evaluation.violations.map((v) => `${v.ruleId} ${v.address}`)).toEqual(['RET-1/export-targets google_storage_bucket.conv']);
    expect(evaluation.suppressions.map((s) => `${s.rule} ${s.address} ${s.used}`)).toEqual([
      'RET-1/bucket-lifecycle google_storage_bucket.conv true',
    ]);
  });

  it('refuses a hand-written suppression naming a whole control, listing its checks', () => {
    const { stack, env } = bareTenantStack();
    new StorageBucket(stack, 'b', { name: 'b', location: 'EU', labels }).addOverride(`//.${SUPPRESSIONS_KEY}`, [
      { rule: 'RES-1', reason: 'A long enough reason that names a whole control.' },
    ]);
    const evaluation = evaluateStack(contextFor(synthesizeStack(stack), [env]));
    expect(evaluation.violations.find((v) => v.address === 'google_storage_bucket.b')?.problem).toMatch(
      /names control RES-1 as a whole; a suppression names one check of it: RES-1\/provider-default-location, RES-1\/data-location/,
    );
  });

  it('treats a suppression written by hand without a reason as a violation, and reports an unused one as stale', () => {
    const { stack, env } = bareTenantStack();
    new StorageBucket(stack, 'b', { name: 'b', location: 'EU', labels }).addOverride(`//.${SUPPRESSIONS_KEY}`, [{ rule: 'RES-1/data-location' }]);
    const ok = new StorageBucket(stack, 'ok', { name: 'ok', location: 'EU', labels });
    suppress(ok, 'ISO-3/required-labels', 'Kept to show that an unused suppression is reported as stale.');
    const evaluation = evaluateStack(contextFor(synthesizeStack(stack), [env]));
    expect(evaluation.violations.some((v) => v.address === 'google_storage_bucket.b' && v.problem.includes('no written reason'))).toBe(
      true,
    );
    expect(evaluation.suppressions.find((s) => s.address === 'google_storage_bucket.ok')?.used).toBe(false);
  });
});

describe('the synthesis gate', () => {
  const dirs: string[] = [];
  const tmp = () => {
    dirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'gate-')));
    return dirs[dirs.length - 1];
  };
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  /** cdktf's App creates an empty stacks/ folder when it is constructed; the gate must add nothing to it. */
  const expectNothingWritten = (outdir: string) => {
    expect(fs.existsSync(path.join(outdir, 'manifest.json'))).toBe(false);
    expect(fs.existsSync(path.join(outdir, 'stacks')) ? fs.readdirSync(path.join(outdir, 'stacks')) : []).toEqual([]);
  };
  const stackOf = (app: App, tenant: string) => app.node.tryFindChild(tenantStackName('fixture', tenant)) as TerraformStack | undefined;
  const resourceOf = (stack: TerraformStack, type: string) =>
    stack.node.findAll().find((c): c is TerraformResource => c instanceof TerraformResource && c.terraformResourceType === type)!;

  it('refuses to write anything when an escape hatch breaks a control, naming stack, resource, control, clause and fix', async () => {
    const outdir = tmp();
    let error: unknown;
    try {
      await synthesizeStacks({
        environmentsDir: FIXTURE_ENVIRONMENTS_DIR,
        environment: 'fixture',
        outdir,
        customize: (app) => {
          const stack = stackOf(app, 'brightwave-leisure');
          if (stack) resourceOf(stack, 'google_bigquery_dataset').addOverride('location', 'US');
        },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ComplianceError);
    const message = (error as Error).message;
    expect(message).toMatch(
      /\[tenant-fixture-brightwave-leisure\] google_bigquery_dataset\.data-plane_warehouse_dataset_\w+ \(tenant-fixture-brightwave-leisure\/data-plane\/warehouse\/dataset\) breaks RES-1\/data-location, DPA 6\.5, Annex II 13: .*"US".* Fix: /,
    );
    expectNothingWritten(outdir);
  });

  it('sees what aspects did: stripping a label the RequiredLabels aspect adds is caught', async () => {
    const outdir = tmp();
    const synthesis = synthesizeStacks({
      environmentsDir: FIXTURE_ENVIRONMENTS_DIR,
        environment: 'fixture',
      outdir,
      stacks: [tenantStackName('fixture', 'thames-bowl')],
      // The aspect runs after construction and sets the labels; the override removes one afterwards.
      customize: (app) => {
        const stack = stackOf(app, 'thames-bowl');
        if (stack) resourceOf(stack, 'google_pubsub_topic').addOverride('labels.data-residency', undefined);
      },
    });
    await expect(synthesis).rejects.toThrow(/breaks ISO-3/);
    expectNothingWritten(outdir);
  });

  it('writes a compliant app, exactly as checked', async () => {
    const outdir = tmp();
    await synthesizeStacks({ environmentsDir: FIXTURE_ENVIRONMENTS_DIR, environment: 'fixture', outdir, stacks: [tenantStackName('fixture', 'lisboa-parque')] });
    const written = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'tenant-fixture-lisboa-parque', 'cdk.tf.json'), 'utf8'));
    expect(written.resource.google_project).toBeDefined();
  });
});

describe('a rule that cannot read the stack fails closed', () => {
  it('reports a location it cannot evaluate as a violation, not as compliant', () => {
    const { stack, env } = bareTenantStack();
    new StorageBucket(stack, 'b', { name: 'b', location: '${var.somewhere}', labels });
    expect(check('RES-1', stack, env).violations.join('\n')).toMatch(/cannot be checked before apply/);
    expect(runRule('RES-1', synthesizeStack(stack), env).statuses).toContain('non-compliant');
  });
});
