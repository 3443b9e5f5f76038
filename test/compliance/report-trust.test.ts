/**
 * AUD-2, AUD-1, DEL-1: reports an auditor can trust, generated as an operator generates them from
 * the fixture environment (npm run ropa as a child process, npm run compliance -- --synth-dir on the
 * run's fixture synthesis, and an offboarding through destroy evidence to its certificate): each
 * states when, from which commit and with which tool version it was generated; no placeholder
 * reaches the Markdown, the JSON or the HTML; and the HTML pages, rendered by headless Chromium,
 * show every control of docs/controls.md and the access maps drawn.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CONTROL_IDS } from '../../compliance/controls';
import type { ComplianceReport } from '../../compliance/report/compliance-report';
import { main as complianceMain } from '../../scripts/compliance';
import { main as offboardMain } from '../../scripts/offboard';
import type { DeletionCertificate } from '../../scripts/lib/deletion-certificate';
import { copyEnvironment, type TempEnvironments } from '../support/temp-environment';
import { FIXTURE_ENVIRONMENTS_DIR, REPO_ROOT, fixtureEnvironment, fixtureSynthOutput } from '../support/synth';
import { runInProcess, tempDir, withEnv } from '../scripts/cli-harness';
import { recordEvidence } from '../scripts/destroy-evidence-harness';

/** 2026-11-21T08:00:00Z: the clock every report here is generated with. */
const EPOCH = '1795248000';
const GENERATED_AT = '2026-11-21T08:00:00Z';
const TENANT = 'nordic-climb';
const STACK = `tenant-fixture-${TENANT}`;

const HEAD = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout.trim();

let work: ReturnType<typeof tempDir>;
let envs: TempEnvironments;
/** Every generated file by name: compliance-fixture.{md,json,html}, ropa-fixture.{md,json}, deletion-fixture-<id>.{md,json,html}. */
const files = new Map<string, string>();

/** `npm run ropa` as an operator runs it: a child process that synthesizes the environment in memory. */
function runRopa(outDir: string) {
  return spawnSync(
    process.execPath,
    ['-r', './scripts/register.js', 'scripts/ropa.ts', '--env', 'fixture', '--environments-dir', FIXTURE_ENVIRONMENTS_DIR, '--out-dir', outDir],
    { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, SOURCE_DATE_EPOCH: EPOCH, CHECKPOINT_DISABLE: '1' } },
  );
}

beforeAll(() => {
  work = tempDir('ss-report-trust-');
  const reports = path.join(work.dir, 'reports');
  const ropa = runRopa(reports);
  expect({ script: 'ropa', status: ropa.status, stderr: ropa.stderr }).toEqual({ script: 'ropa', status: 0, stderr: '' });
  // The compliance script's main in this process, judging the run's fixture synthesis (what
  // `npm run synth` writes) instead of synthesizing it again: reports.test.ts runs it as a child process.
  const compliance = withEnv({ SOURCE_DATE_EPOCH: EPOCH }, () =>
    runInProcess(complianceMain, ['--env', 'fixture', '--environments-dir', FIXTURE_ENVIRONMENTS_DIR, '--out-dir', reports, '--synth-dir', fixtureSynthOutput()]),
  );
  expect({ script: 'compliance', code: compliance.code, stderr: compliance.stderr }).toEqual({ script: 'compliance', code: 0, stderr: '' });
  // An offboarding whose destroy came 12 days after the request: the certificate states a breach.
  envs = copyEnvironment();
  const io = { out: () => undefined, err: (t: string) => { throw new Error(t); } };
  expect(offboardMain(['--env', 'fixture', '--tenant', TENANT, '--requested', '2026-11-01', '--environments-dir', envs.dir], { io })).toBe(0);
  const synth = path.join(work.dir, 'synth');
  const addresses = (() => {
    const { buildApp } = require('../../stacks/build-app') as typeof import('../../stacks/build-app');
    buildApp({ environmentsDir: envs.dir, stacks: [STACK], outdir: synth }).synth();
    const json = JSON.parse(fs.readFileSync(path.join(synth, 'stacks', STACK, 'cdk.tf.json'), 'utf8')) as { resource: Record<string, Record<string, unknown>> };
    return Object.entries(json.resource).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`));
  })();
  const evidenceDir = path.join(work.dir, 'evidence');
  const ev = recordEvidence({ environmentsDir: envs.dir, evidenceDir, stack: STACK, destroyed: addresses, started: '2026-11-13T07:40:00Z', finished: '2026-11-13T07:58:00Z', workDir: work.dir });
  expect(ev.code).toBe(0);
  const cert = runInProcess((a, cio) => offboardMain(a, { io: cio, now: new Date(Number(EPOCH) * 1000) }), [
    '--env', 'fixture', '--tenant', TENANT, '--certificate', '--evidence', ev.file, '--environments-dir', envs.dir, '--evidence-dir', evidenceDir,
  ]);
  expect({ code: cert.code, stderr: cert.stderr }).toEqual({ code: 0, stderr: '' });
  for (const dir of [reports, path.join(evidenceDir, 'fixture')])
    for (const f of fs.readdirSync(dir).filter((x) => !x.startsWith('destroy-'))) files.set(f, fs.readFileSync(path.join(dir, f), 'utf8'));
}, 600_000);

afterAll(() => {
  envs?.remove();
  work?.remove();
});

describe('AUD-1: npm run ropa, as an operator runs it (a child process)', () => {
  it('writes one record per fixture tenant', () => {
    const { records } = JSON.parse(files.get('ropa-fixture.json')!) as { records: Array<{ tenant: string }> };
    expect(records.map((r) => r.tenant)).toEqual(fixtureEnvironment().tenants.map((t) => t.id));
  });
});

describe('AUD-2: every report states when, from which commit and with which tool it was generated', () => {
  const sentence = new RegExp(
    `Generated ${GENERATED_AT} \\(UTC\\) by \`npm run (compliance|ropa|offboard) -- --env fixture[^\`]*\` with smart-segments-platform@0\\.1\\.0, from commit ${HEAD}( with uncommitted changes \\(the files differ from that commit\\))?\\.`,
  );

  it('writes every format of the three reports', () => {
    expect([...files.keys()].sort()).toEqual(
      ['compliance-fixture.html', 'compliance-fixture.json', 'compliance-fixture.md', `deletion-fixture-${TENANT}.html`, `deletion-fixture-${TENANT}.json`, `deletion-fixture-${TENANT}.md`, 'ropa-fixture.json', 'ropa-fixture.md'].sort(),
    );
  });

  it.each(['compliance-fixture.md', 'ropa-fixture.md', `deletion-fixture-${TENANT}.md`, 'compliance-fixture.html', `deletion-fixture-${TENANT}.html`])('%s', (name) => {
    expect(HEAD).toMatch(/^[0-9a-f]{40}$/);
    expect(files.get(name)!.replace(/<\/?code>/g, '`')).toMatch(sentence);
  });

  it.each(['compliance-fixture.json', 'ropa-fixture.json', `deletion-fixture-${TENANT}.json`])('%s', (name) => {
    const { generated } = JSON.parse(files.get(name)!) as { generated: Record<string, unknown> };
    expect(generated).toEqual({
      generatedAt: GENERATED_AT,
      commit: HEAD,
      uncommittedChanges: expect.any(Boolean),
      tool: 'smart-segments-platform@0.1.0',
      command: expect.stringMatching(/^npm run (compliance|ropa|offboard) -- --env fixture/),
    });
  });
});

describe('AUD-2: no placeholder reaches a report', () => {
  const PLACEHOLDERS = ['<unknown>', '&lt;unknown&gt;', '${', 'undefined', 'NaN', '[object Object]', 'TOKEN', 'TfToken'];

  it.each([...['compliance-fixture', 'ropa-fixture', `deletion-fixture-${TENANT}`].flatMap((b) => ['md', 'json', 'html'].map((x) => `${b}.${x}`))].filter((n) => n !== 'ropa-fixture.html'))(
    '%s',
    (name) => {
      const text = files.get(name)!;
      expect(text.length).toBeGreaterThan(1000);
      for (const p of PLACEHOLDERS) expect({ name, placeholder: p, found: text.includes(p) }).toEqual({ name, placeholder: p, found: false });
      // In Markdown, an angle-bracket word is an HTML tag a browser hides: only the report's own tags may appear.
      if (name.endsWith('.md')) expect(text.match(/<(?!\/?(a|details|summary)[\s>])[^>\n]*>/g)).toBeNull();
      if (name.endsWith('.json')) expect(text.match(/<[A-Za-z][^>"]*>/g)).toBeNull();
    },
  );

  it('names the service agents whose email is known only after deployment in words', () => {
    const report = JSON.parse(files.get('compliance-fixture.json')!) as ComplianceReport;
    const agents = report.accessMaps.flatMap((m) => m.entries).filter((e) => /service agent of project/.test(e.principalShown));
    expect(agents.length).toBeGreaterThan(0);
    for (const e of agents) expect(e.principalShown).toMatch(/^the [A-Z][A-Za-z/ ]+ service agent of project [a-z][a-z0-9-]+ \(its email holds the project number, known once the project is created\)$/);
    expect(files.get('compliance-fixture.md')).toContain(`| the Pub/Sub service agent of project ssx-brightwave-leisure (its email holds the project number, known once the project is created) | Google Cloud (Annex III subprocessor) |`);
  });

  it("lists as a tenant's locations only those its own resources use", () => {
    const { records } = JSON.parse(files.get('ropa-fixture.json')!) as { records: Array<{ tenant: string; location: { region: string; inUse: string[]; pubsubPersistence: Array<{ regions: string[] }> } }> };
    const brightwave = records.find((r) => r.tenant === 'brightwave-leisure')!;
    expect(brightwave.location.region).toBe('europe-west4');
    expect(brightwave.location.inUse).toEqual(['EU', 'eu', 'eur3', 'europe', 'europe-west4']);
    // The regions a Pub/Sub topic may store messages in are stated apart, as what they are.
    expect(brightwave.location.pubsubPersistence.length).toBeGreaterThan(0);
    expect(files.get('ropa-fixture.md')).toContain("Locations in use by the tenant's resources: EU (BigQuery); eu (Cloud Logging); eur3 (Firestore); europe (Cloud KMS); europe-west4 (");
    for (const r of records) expect(r.location.inUse).toContain(r.location.region);
  });

  it('certificate: the breach of a destroy 12 days after the request, every date consistent', () => {
    const c = JSON.parse(files.get(`deletion-fixture-${TENANT}.json`)!) as DeletionCertificate;
    expect([c.requested, c.deployed, c.deadline]).toEqual(['2026-11-01', '2026-11-13', '2026-11-15']);
    expect(c.breach).not.toBeNull();
    expect(c.generated!.generatedAt >= c.evidence!.finished).toBe(true);
    expect(c.evidence!.finished.slice(0, 10)).toBe(c.deployed);
    expect(c.latestCopies.customerData!.date).toBe(c.stores.filter((s) => s.category === 'customer-data').map((s) => s.latestCopyDate).sort().at(-1));
    expect(c.breach!.notifyBy).toBe('2026-11-23T08:00:00Z');
  });
});

const CHROMIUM = '/usr/bin/chromium';
// Skipped only on a development machine without Debian's chromium; in CI it must run (.ci/run installs it).
const withChromium = fs.existsSync(CHROMIUM) || process.env.CI ? describe : describe.skip;

/** The DOM headless Chromium builds from a file, as `--dump-dom` prints it. */
function renderedDom(file: string): string {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-chromium-'));
  try {
    const r = spawnSync(
      CHROMIUM,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--dump-dom', `file://${file}`],
      { encoding: 'utf8', timeout: 20_000, maxBuffer: 64 * 1024 * 1024 },
    );
    if (r.status !== 0) throw new Error(`chromium exited ${r.status} (${r.error?.message ?? ''}): ${r.stderr}`);
    return r.stdout;
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

withChromium('AUD-2, DEL-1: the HTML pages render in headless Chromium', () => {
  it('the compliance report shows every control of docs/controls.md and every tenant\'s access map drawn', () => {
    const file = path.join(work.dir, 'compliance.html');
    fs.writeFileSync(file, files.get('compliance-fixture.html')!);
    const dom = renderedDom(file);
    // Not an echo of the file: Chromium's serialisation of the parsed document (the file has a line break between the two).
    expect(files.get('compliance-fixture.html')).toMatch(/^<!DOCTYPE html>\n<html lang="en">\n<head>/);
    expect(dom).toMatch(/^<!DOCTYPE html>\n<html lang="en"><head>/);
    expect(dom).not.toMatch(/<(link|script|img)\b/);
    for (const id of CONTROL_IDS) {
      expect({ id, section: dom.includes(`<section class="control" id="${id.toLowerCase()}" data-control="${id}">`) }).toEqual({ id, section: true });
      expect({ id, summaryLink: dom.includes(`<a href="#${id.toLowerCase()}">${id}</a>`) }).toEqual({ id, summaryLink: true });
    }
    const report = JSON.parse(files.get('compliance-fixture.json')!) as ComplianceReport;
    const tenants = fixtureEnvironment().tenants.map((t) => t.id).sort();
    expect(report.accessMaps.map((m) => m.tenant).sort()).toEqual(tenants);
    for (const m of report.accessMaps) {
      const svg = new RegExp(`<svg class="access-map" data-tenant="${m.tenant}"[^>]*>([\\s\\S]*?)</svg>`).exec(dom);
      expect({ tenant: m.tenant, drawn: svg !== null }).toEqual({ tenant: m.tenant, drawn: true });
      // One line per grant, one box per principal of each party and per resource.
      expect((svg![1].match(/<path class="grant"/g) ?? []).length).toBe(m.entries.length);
      expect((svg![1].match(/<g class="resource">/g) ?? []).length).toBe(new Set(m.entries.map((e) => e.resource)).size);
      expect((svg![1].match(/<g class="principal">/g) ?? []).length).toBe(new Set(m.entries.map((e) => `${e.party} ${e.principalShown}`)).size);
    }
  }, 30_000);

  it('the deletion certificate shows its dates, its breach and every store', () => {
    const file = path.join(work.dir, 'certificate.html');
    fs.writeFileSync(file, files.get(`deletion-fixture-${TENANT}.html`)!);
    const dom = renderedDom(file);
    const c = JSON.parse(files.get(`deletion-fixture-${TENANT}.json`)!) as DeletionCertificate;
    expect(dom).toContain(`<h1>Deletion certificate: ${c.tenant.displayName} (${TENANT})</h1>`);
    expect(dom).toContain('<section class="breach" id="breach">');
    for (const s of c.stores) expect(dom).toContain(`<code>${s.address}</code>`);
    for (const d of [c.requested, c.deployed, c.deadline, c.latestCopies.customerData!.date]) expect(dom).toContain(d);
  }, 30_000);
});
