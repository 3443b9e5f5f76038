/**
 * `npm run compliance -- --env <env> --synth-dir <dir>`: both packs on an output already synthesized.
 * The unbroken output passes; hand-broken copies fail naming the control; a missing or malformed
 * folder is a usage error naming the flag, the path and the fix, and nothing is written.
 */
import * as fs from 'fs';
import * as path from 'path';
import { platformStackName, tenantStackName } from '../../config/naming';
import { main as compliance } from '../../scripts/compliance';
import { generatedTenant } from '../../scripts/lib/generated-environment';
import { synthesizeStacks } from '../../scripts/lib/synthesis';
import { collectingIo, editStack, ENV, firstOf, workspace, type Workspace } from './support';

describe('compliance --synth-dir', () => {
  let ws: Workspace;
  let reports: string;
  beforeAll(async () => {
    ws = workspace(2);
    await synthesizeStacks({ environmentsDir: ws.environmentsDir, outdir: ws.outdir, workers: 1 });
  });
  afterAll(() => ws.remove());
  beforeEach(() => {
    reports = fs.mkdtempSync(path.join(ws.root, 'reports-'));
  });

  /** A copy of the unbroken output, to break by hand. */
  const copyOfOutput = () => {
    const copy = fs.mkdtempSync(path.join(ws.root, 'copy-'));
    fs.cpSync(ws.outdir, copy, { recursive: true });
    return copy;
  };
  const run = (synthDir: string) => {
    const c = collectingIo();
    const code = compliance(['--env', ENV, '--environments-dir', ws.environmentsDir, '--out-dir', reports, '--synth-dir', synthDir], c.io);
    return { code, out: c.out.join('\n'), err: c.err.join('\n') };
  };

  it('passes the unbroken output and writes the report', () => {
    const r = run(ws.outdir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(fs.readdirSync(reports).sort()).toEqual([`compliance-${ENV}.html`, `compliance-${ENV}.json`, `compliance-${ENV}.md`]);
  });

  it('fails a copy whose state bucket was moved to US, naming RES-1', () => {
    const copy = copyOfOutput();
    editStack(copy, platformStackName(ENV), (json) => {
      firstOf(json, 'google_storage_bucket').location = 'US';
    });
    const r = run(copy);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Failing controls: .*RES-1/);
    expect(r.err).toMatch(/\[platform-synthtest\] google_storage_bucket\.\S+: RES-1\/data-location: .*US/);
  });

  it('fails a copy whose log bucket keeps logs for 400 days, naming LOG-1', () => {
    const copy = copyOfOutput();
    const stack = tenantStackName(ENV, generatedTenant(1).id);
    editStack(copy, stack, (json) => {
      firstOf(json, 'google_logging_project_bucket_config').retention_days = 400;
    });
    const r = run(copy);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Failing controls: .*LOG-1/);
    expect(r.err).toContain(`[${stack}] google_logging_project_bucket_config.`);
  });

  it('runs the deployability pack too: a copy admitting too old a Terraform fails naming the check', () => {
    const copy = copyOfOutput();
    const stack = tenantStackName(ENV, generatedTenant(0).id);
    editStack(copy, stack, (json) => {
      json.terraform.required_version = '>= 0.12';
    });
    const r = run(copy);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Failing deployability checks \(docs\/deployability\.md\): .*DEP-TF-VERSION/);
  });

  it.each([
    ['a folder that does not exist', (dir: string) => path.join(dir, 'nowhere'), /--synth-dir: .*nowhere is not a folder; give the folder `npm run synth` wrote/],
    ['a folder without manifest.json', (dir: string) => (fs.rmSync(path.join(dir, 'manifest.json')), dir), /--synth-dir: .*manifest\.json is missing, so .* is not a synthesized output; run `npm run synth`/],
    ['a malformed manifest.json', (dir: string) => (fs.writeFileSync(path.join(dir, 'manifest.json'), '{"stacks": '), dir), /--synth-dir: .*manifest\.json is not valid JSON/],
    [
      'a malformed cdk.tf.json',
      (dir: string) => (fs.writeFileSync(path.join(dir, 'stacks', platformStackName(ENV), 'cdk.tf.json'), '{'), dir),
      /--synth-dir: .*platform-synthtest.*cdk\.tf\.json is not valid JSON .*; fix it or run `npm run synth`/,
    ],
    [
      'an output without one of the environment stacks',
      (dir: string) => {
        const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
        delete manifest.stacks[platformStackName(ENV)];
        fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
        return dir;
      },
      /--synth-dir: .* does not hold platform-synthtest of environment synthtest .*CDKTF_OUTDIR=/,
    ],
  ])('refuses %s with the flag, the path and the fix, writing nothing', (_what, breakIt, message) => {
    const r = run(breakIt(copyOfOutput()));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/Nothing was written/);
    expect(fs.readdirSync(reports)).toEqual([]);
  });
});
