/**
 * The compliance report (AUD-2), the records of processing (AUD-1, LLM-1), the deletion-certificate
 * check (DEL-1) and the access maps, built from the fixture environment as the run's fixture
 * synthesis holds it (what `npm run synth` writes); and `npm run compliance` run as the CI runs it,
 * writing into a temporary folder (`npm run ropa`'s child-process run is in report-trust.test.ts).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CONTROL_IDS, loadControlCatalogue } from '../../compliance/controls';
import { del1DeletionCertificate } from '../../compliance/environment-checks/del-1-deletion-certificate';
import { buildComplianceReport, renderComplianceMarkdown, type ComplianceReport } from '../../compliance/report/compliance-report';
import type { EnvironmentEvaluation } from '../../scripts/lib/evaluate-environment';
import { evaluateSynthesizedOutput } from '../../scripts/lib/evaluate-output';
import { main as complianceMain } from '../../scripts/compliance';
import { withLifecycle } from '../../config/loader';
import { renderRopaMarkdown } from '../../compliance/report/ropa';
import { describeTitles, indexTests } from '../../compliance/report/test-index';
import { RULES } from '../../compliance/pack';
import type { SynthesizedStack } from '../../compliance/synthesized-stack';
import { FIXTURE_ENVIRONMENTS_DIR, REPO_ROOT, fixtureEnvironment, fixtureSynthOutput } from '../support/synth';
import { runInProcess } from '../scripts/cli-harness';

let evaluation: EnvironmentEvaluation;
let report: ComplianceReport;
const catalogue = loadControlCatalogue();

/**
 * The fixture environment judged by both packs from the run's synthesis on disk, as
 * `npm run compliance -- --synth-dir` does: no second synthesis in memory (the child-process run
 * below synthesizes as CI does; test/synthesis checks that synthesis is deterministic).
 */
const evaluateFixture = () => evaluateSynthesizedOutput('fixture', FIXTURE_ENVIRONMENTS_DIR, fixtureSynthOutput());

beforeAll(() => {
  evaluation = evaluateFixture();
  report = buildComplianceReport({
    ...evaluation,
    catalogue,
    tests: indexTests(
      REPO_ROOT,
      catalogue.controls.map((c) => c.id),
    ),
  });
});

describe('AUD-2: the compliance report', () => {
  it('lists every control of CONTROLS.md exactly once, in order, each with one of the five statuses', () => {
    expect(report.controls.map((c) => c.id)).toEqual(catalogue.controls.map((c) => c.id));
    for (const c of report.controls) expect(['pass', 'fail', 'suppressed', 'not applicable', 'not yet implemented']).toContain(c.status);
    const md = renderComplianceMarkdown(report);
    const summaryRows = md.split('\n').filter((l) => /^\| \[[A-Z]+-\d+\]\(#/.test(l));
    expect(summaryRows.map((l) => /^\| \[([A-Z]+-\d+)\]/.exec(l)![1])).toEqual(catalogue.controls.map((c) => c.id));
  });

  it('never shows a control without a rule or check as passing', () => {
    const checked = new Set([...RULES.map((r) => r.control), 'AUD-1', 'AUD-2', 'DEL-1']);
    for (const c of report.controls.filter((x) => !checked.has(x.id))) expect(c.status).toBe('not yet implemented');
  });

  it('has no failing control in the fixture environment, with evidence and a test for each passing control', () => {
    expect(report.violations).toEqual([]);
    expect(report.controls.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.summary}`)).toEqual([]);
    for (const c of report.controls.filter((x) => x.status === 'pass')) {
      expect([c.id, c.evidence.length > 0]).toEqual([c.id, true]);
      expect([c.id, c.tests.length > 0]).toEqual([c.id, true]);
    }
  });

  it('derives the test files from describe titles', () => {
    expect(describeTitles("describe('RES-1: x', () => {}); describe(`IAM-2/role-exists`, f); it('RES-9', g)")).toEqual([
      'RES-1: x',
      'IAM-2/role-exists',
    ]);
    const index = indexTests(REPO_ROOT, CONTROL_IDS);
    expect(index.get('AUD-2')).toContain('test/compliance/reports.test.ts');
    expect(index.get('RES-1')).toContain('test/compliance/residency.test.ts');
  });

  it('is deterministic', () => {
    // A second, independent evaluation of the same files must render byte for byte the same report.
    const again = buildComplianceReport({ ...evaluateFixture(), catalogue, tests: indexTests(REPO_ROOT, CONTROL_IDS) });
    expect(renderComplianceMarkdown(again)).toBe(renderComplianceMarkdown(report));
  });
});

/** Every grant the raw JSON states, found without the compliance library: `<address> <member> <role>`. */
function rawGrants(stack: SynthesizedStack): string[] {
  const out: string[] = [];
  const covered = /_iam_(member|binding)$|^google_cloud_run_v2_service$/;
  for (const [type, byName] of Object.entries(stack.json.resource ?? {})) {
    // A grant-bearing type this test does not read would make it blind: fail instead.
    if (/_iam_policy$|_acl$|_access_control$|^google_bigquery_dataset_access$/.test(type))
      throw new Error(`rawGrants does not read ${type}`);
    // A dataset's inline access list (IAM-1/dataset-creator-access): the project's owners only.
    if (type === 'google_bigquery_dataset') {
      for (const [name, v] of Object.entries(byName)) {
        for (const entry of (v.access ?? []) as Array<Record<string, unknown>>) {
          if (entry.special_group !== 'projectOwners' || entry.role !== 'OWNER' || Object.keys(entry).length !== 2)
            throw new Error(`rawGrants reads only the projectOwners OWNER entry of ${type}.${name}, not ${JSON.stringify(entry)}`);
          out.push(`${type}.${name} projectOwner:${String(v.project)} roles/bigquery.dataOwner`);
        }
      }
      continue;
    }
    if (!covered.test(type)) continue;
    for (const [name, v] of Object.entries(byName)) {
      if (type.endsWith('_iam_member')) out.push(`${type}.${name} ${String(v.member)} ${String(v.role)}`);
      else if (type.endsWith('_iam_binding')) for (const m of v.members as string[]) out.push(`${type}.${name} ${m} ${String(v.role)}`);
      else if (v.invoker_iam_disabled === true) out.push(`${type}.${name} allUsers roles/run.invoker`);
    }
  }
  return out.sort();
}

/** The edges of a Mermaid access map: `<principal label> <role> <resource label>`. */
function mermaidEdges(mermaid: string): string[] {
  const labels = new Map<string, string>();
  const text = (s: string) =>
    s
      .replace(/#quot;/g, '"')
      .replace(/#lt;/g, '<')
      .replace(/#gt;/g, '>');
  for (const m of mermaid.matchAll(/^\s*([pr]\d+)\[\(?"([^"]*)"\)?\]$/gm)) labels.set(m[1], text(m[2]));
  return [...mermaid.matchAll(/^\s*(p\d+) -- "([^"]*)" --> (r\d+)$/gm)]
    .map((m) => `${labels.get(m[1])} ${text(m[2]).split(' · ')[0]} ${labels.get(m[3])}`)
    .sort();
}

describe('access maps (AUD-2): exactly the grants of each tenant stack', () => {
  it('lists every grant of the synthesized stack once, and nothing else, in the table and in the diagram', () => {
    const tenants = fixtureEnvironment().tenants.map((t) => `tenant-fixture-${t.id}`);
    expect(report.accessMaps.map((m) => m.stack).sort()).toEqual(tenants.sort());
    for (const map of report.accessMaps) {
      const stack = evaluation.stacks.find((s) => s.name === map.stack)!;
      const raw = rawGrants(stack);
      expect(raw.length).toBeGreaterThan(0);
      // References appear as reference(<address>.<attribute>), never as interpolation syntax.
      expect(map.entries.map((e) => `${e.address} ${e.principal} ${e.role}`).sort()).toEqual(raw.map((g) => g.replace(/\$\{([^}]+)\}/g, 'reference($1)')).sort());
      expect(mermaidEdges(map.mermaid)).toEqual(map.entries.map((e) => `${e.principalShown} ${e.role} ${e.resource}`).sort());
    }
  });

  it('names the party behind each principal', () => {
    const brightwave = report.accessMaps.find((m) => m.tenant === 'brightwave-leisure')!;
    const parties = new Set(brightwave.entries.map((e) => e.party));
    expect(parties).toEqual(
      new Set([
        'Smart Segments',
        'Smart Segments workload',
        'dbt Labs, Inc. (Annex III subprocessor)',
        'Google Cloud (Annex III subprocessor)',
        'anyone on the internet',
        // The warehouse's access list names the project's owners (nobody while Smart Segments runs it).
        'holders of a basic role on the project',
      ]),
    );
  });
});

describe('AUD-1: records of processing for every tenant', () => {
  const record = (id: string) => evaluation.records.find((r) => r.tenant === id)!;

  it('has one record per example tenant, rendered under its name', () => {
    const ids = fixtureEnvironment().tenants.map((t) => t.id);
    expect(evaluation.records.map((r) => r.tenant)).toEqual(ids);
    const md = renderRopaMarkdown('fixture', evaluation.records);
    for (const t of fixtureEnvironment().tenants) expect(md).toContain(`## ${t.displayName} (\`${t.id}\`)`);
  });

  it('records minors, the NIF where Vendus is active, and conversion data where conversion tracking is', () => {
    expect(record('lisboa-parque').dataCategories.join('\n')).toMatch(/NIF\).*Vendus/);
    expect(record('thames-bowl').dataCategories.join('\n')).not.toMatch(/NIF/);
    for (const r of evaluation.records) expect(r.dataSubjects.join('\n')).toMatch(/minors/);
    expect(record('brightwave-leisure').dataCategories.join('\n')).toMatch(/fbc, fbp, gclid/);
    expect(record('lisboa-parque').dataCategories.join('\n')).not.toMatch(/gclid/);
  });

  it("lists recipients as the customer's, not subprocessors, and the transfer mechanism of the jurisdiction", () => {
    expect(record('lisboa-parque').recipients.map((r) => `${r.name} ${r.clause}`)).toEqual(['Vendus A.9', 'Brevo A.8']);
    expect(record('lisboa-parque').recipients.every((r) => r.role.includes('not a subprocessor'))).toBe(true);
    expect(
      record('brightwave-leisure').recipients.some((r) => r.name.startsWith('Meta') && r.role.includes('independent controller')),
    ).toBe(true);
    expect(record('thames-bowl').transfers[0].mechanism).toMatch(/UK International Data Transfer Addendum/);
    expect(record('alpen-sport').transfers[0].mechanism).toMatch(/Swiss modifications/);
    expect(record('brightwave-leisure').transfers[0].mechanism).toMatch(/Module Two/);
    expect(record('harbour-play').transfers[0].mechanism).toMatch(/no mechanism under DPA Section 6/);
  });

  it('reads where data lives and how long each store keeps it from the stack', () => {
    const b = record('brightwave-leisure');
    expect(b.location.inUse).toEqual(expect.arrayContaining(['EU', 'europe-west4', 'eur3']));
    expect(b.location.inUse.every((l) => ['EU', 'eu', 'eur3', ...b.location.allowed].includes(l))).toBe(true);
    // A tenant in europe-west4 uses europe-west4 (and the multi-regions its stores name), not every EU region it may use.
    expect(b.location.region).toBe('europe-west4');
    expect(b.location.inUse).not.toContain('europe-west1');
    expect(b.location.inUseBy.find((l) => l.location === 'EU')?.services).toEqual(['BigQuery']);
    expect(b.retention.find((s) => s.store.includes('conversion-events-meta'))?.retention).toMatch(/24 hours end to end/);
    expect(b.retention.find((s) => s.store.startsWith('Cloud Logging bucket'))?.retention).toMatch(/30 days/);
    expect(b.measures.map((m) => m.control)).toEqual(expect.arrayContaining(['RES-1', 'RET-1', 'RET-2', 'LLM-1']));
  });
});

describe('LLM-1: the LLM-support restriction is in the records of processing', () => {
  it('records the choice, where it is recorded, and drops Anthropic for a restricting customer', () => {
    const alpen = evaluation.records.find((r) => r.tenant === 'alpen-sport')!;
    expect(alpen.llmSupport.choice).toBe('restricted');
    expect(alpen.llmSupport.recordedIn).toEqual([
      'test/fixtures/environments/fixture/tenants/alpen-sport.yaml',
      'label llm-support=restricted on project alpensport-warehouse',
      'this record',
    ]);
    expect(alpen.subprocessors.find((s) => s.name.startsWith('Anthropic'))?.use).toMatch(/^not used/);
    expect(alpen.transfers.some((t) => t.to.startsWith('Anthropic'))).toBe(false);
    const brightwave = evaluation.records.find((r) => r.tenant === 'brightwave-leisure')!;
    expect(brightwave.transfers.some((t) => t.to.startsWith('Anthropic'))).toBe(true);
  });
});

describe('DEL-1: the deletion certificate can account for every store of an offboarding tenant', () => {
  const context = (stacks: readonly SynthesizedStack[], offboard: boolean) => {
    const env = fixtureEnvironment();
    const tenants = env.tenants.map((t) =>
      offboard && t.id === 'lisboa-parque'
        ? withLifecycle(t, { state: 'offboarding' as const, offboarding: { requested: '2026-11-01', removalConfirmed: false } })
        : t,
    );
    return {
      environment: { ...env, tenants },
      stacks,
      evaluations: evaluation.evaluations,
      catalogue,
      records: evaluation.records,
      tests: new Map(),
    };
  };

  it('is not applicable when nobody is offboarding, passes for a complete inventory and fails for an unknown store', () => {
    expect(del1DeletionCertificate.check(context(evaluation.stacks, false)).status).toBe('not applicable');
    expect(del1DeletionCertificate.check(context(evaluation.stacks, true)).status).toBe('pass');
    const withUnknown = evaluation.stacks.map((s) =>
      s.name === 'tenant-fixture-lisboa-parque'
        ? new (s.constructor as typeof SynthesizedStack)(s.name, {
            ...s.json,
            resource: { ...s.json.resource, google_spanner_database: { mystery: { name: 'm' } } },
          })
        : s,
    );
    const result = del1DeletionCertificate.check(context(withUnknown, true));
    expect(result.status).toBe('fail');
    expect(result.detail).toContain('google_spanner_database.mystery');
  });
});

describe('AUD-2: npm run compliance, as CI runs it', () => {
  const dirs: string[] = [];
  const tmp = (prefix: string) => {
    dirs.push(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
    return dirs[dirs.length - 1];
  };
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const run = (script: 'compliance', outDir: string) =>
    spawnSync(
      process.execPath,
      ['-r', './scripts/register.js', `scripts/${script}.ts`, '--env', 'fixture', '--environments-dir', FIXTURE_ENVIRONMENTS_DIR, '--out-dir', outDir],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: { ...process.env, CHECKPOINT_DISABLE: '1' },
      },
    );

  it('exits 0 and writes the report formats, listing every control once', () => {
    const outDir = tmp('compliance-');
    const result = run('compliance', outDir);
    expect([result.status, result.stderr]).toEqual([0, '']);
    expect(fs.readdirSync(outDir).sort()).toEqual(['compliance-fixture.html', 'compliance-fixture.json', 'compliance-fixture.md']);
    const json = JSON.parse(fs.readFileSync(path.join(outDir, 'compliance-fixture.json'), 'utf8')) as ComplianceReport;
    expect(json.controls.map((c) => c.id)).toEqual(catalogue.controls.map((c) => c.id));
    const md = fs.readFileSync(path.join(outDir, 'compliance-fixture.md'), 'utf8');
    for (const id of catalogue.controls.map((c) => c.id)) expect(md.match(new RegExp(`^\\| \\[${id}\\]`, 'gm'))).toHaveLength(1);
  });

  // The script's main in this process: the test above covers the process path.
  it('rejects an unknown environment without writing anything', () => {
    const outDir = tmp('compliance-bad-');
    const result = runInProcess(complianceMain, ['--env', 'nowhere', '--environments-dir', FIXTURE_ENVIRONMENTS_DIR, '--out-dir', outDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/environment "nowhere" does not exist/);
    expect(fs.readdirSync(outDir)).toEqual([]);
  });
});
