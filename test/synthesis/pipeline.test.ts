/**
 * The synthesis pipeline (scripts/lib/synthesis.ts): what it promotes is exactly what both packs
 * checked, a full synthesis leaves no stale stack folders, a failing one leaves the previous output
 * as it was, STACKS merges, and worker processes write the same bytes as one process.
 */
import * as fs from 'fs';
import * as path from 'path';
import { TerraformResource, TerraformStack } from 'cdktf';
import { ComplianceError } from '../../compliance/engine';
import { platformStackName, tenantStackName } from '../../config/naming';
import { generatedTenant } from '../../scripts/lib/generated-environment';
import { synthesizeStacks } from '../../scripts/lib/synthesis';
import { copyWorkspace, ENV, readTree, workspace, type Workspace } from './support';

const platform = platformStackName(ENV);
const tenant = (i: number) => tenantStackName(ENV, generatedTenant(i).id);

describe('the synthesis pipeline', () => {
  /** One full synthesis of the environment, made once; each test starts from a copy of it. */
  let template: Workspace;
  let firstSummary: Awaited<ReturnType<typeof synthesizeStacks>>;
  const seen: string[] = [];
  let ws: Workspace;
  beforeAll(async () => {
    template = workspace(3);
    firstSummary = await synthesizeStacks({ environmentsDir: template.environmentsDir, outdir: template.outdir, workers: 1, onStack: (s) => seen.push(s.name) });
  }, 240_000);
  afterAll(() => template?.remove());
  beforeEach(() => {
    ws = copyWorkspace(template);
  });
  afterEach(() => ws.remove());

  const synth = (extra: Partial<Parameters<typeof synthesizeStacks>[0]> = {}) =>
    synthesizeStacks({ environmentsDir: ws.environmentsDir, outdir: ws.outdir, workers: 1, ...extra });
  const stackFolders = () => fs.readdirSync(path.join(ws.outdir, 'stacks')).sort();
  const manifestStacks = () => Object.keys(JSON.parse(fs.readFileSync(path.join(ws.outdir, 'manifest.json'), 'utf8')).stacks).sort();
  /** Nothing but the output itself next to it: staging folders are always removed. */
  const siblings = (w: Workspace = ws) => fs.readdirSync(w.root).filter((f) => f !== 'environments').sort();

  it('writes every stack with its manifest entry and reports each one', () => {
    const all = [platform, tenant(0), tenant(1), tenant(2)].sort();
    expect(fs.readdirSync(path.join(template.outdir, 'stacks')).sort()).toEqual(all);
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(template.outdir, 'manifest.json'), 'utf8')).stacks).sort()).toEqual(all);
    expect(seen.sort()).toEqual(all);
    expect(firstSummary.stacks.every((s) => s.resources > 0 && s.bytes > 0)).toBe(true);
    expect(siblings(template)).toEqual(['cdktf.out']);
  });

  it('removes the folder of a stack no longer synthesized, and keeps Terraform working files of the others', async () => {
    fs.mkdirSync(path.join(ws.outdir, 'stacks', tenant(0), '.terraform'));
    fs.writeFileSync(path.join(ws.outdir, 'stacks', tenant(0), '.terraform', 'terraform.tfstate'), '{"backend":{}}');
    fs.rmSync(path.join(ws.environmentsDir, ENV, 'tenants', `${generatedTenant(2).id}.yaml`));
    await synth();
    expect(stackFolders()).toEqual([platform, tenant(0), tenant(1)].sort());
    expect(manifestStacks()).toEqual([platform, tenant(0), tenant(1)].sort());
    expect(fs.readFileSync(path.join(ws.outdir, 'stacks', tenant(0), '.terraform', 'terraform.tfstate'), 'utf8')).toBe('{"backend":{}}');
    expect(siblings()).toEqual(['cdktf.out']);
  });

  it('leaves the previous output byte for byte when a stack breaks a control, and names it', async () => {
    const before = readTree(ws.outdir);
    const synthesis = synth({
      customize: (app) => {
        const stack = app.node.tryFindChild(tenant(1)) as TerraformStack | undefined;
        const logBucket = stack?.node
          .findAll()
          .find((c): c is TerraformResource => c instanceof TerraformResource && c.terraformResourceType === 'google_logging_project_bucket_config');
        logBucket?.addOverride('retention_days', 400);
      },
    });
    await expect(synthesis).rejects.toBeInstanceOf(ComplianceError);
    await expect(synthesis).rejects.toThrow(new RegExp(`\\[${tenant(1)}\\] google_logging_project_bucket_config\\.\\S+ .*breaks LOG-1`));
    const after = readTree(ws.outdir);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [file, bytes] of before) expect({ file, same: bytes.equals(after.get(file)!) }).toEqual({ file, same: true });
    expect(siblings()).toEqual(['cdktf.out']);
  });

  it('with STACKS, moves only the named stack in and merges manifest.json; the platform stack is checked against but not written', async () => {
    fs.rmSync(ws.outdir, { recursive: true });
    await synth({ stacks: [tenant(0)] });
    expect(stackFolders()).toEqual([tenant(0)]);
    expect(manifestStacks()).toEqual([tenant(0)]);
    await synth({ stacks: [tenant(2)] });
    expect(stackFolders()).toEqual([tenant(0), tenant(2)]);
    expect(manifestStacks()).toEqual([tenant(0), tenant(2)]);
  });

  it('writes the same bytes from worker processes as from one process, and shards add up to the whole', async () => {
    const single = readTree(template.outdir);
    fs.rmSync(ws.outdir, { recursive: true });
    await synth({ workers: 2, batchSize: 1 });
    const parallel = readTree(ws.outdir);
    expect([...parallel.keys()].sort()).toEqual([...single.keys()].sort());
    for (const [file, bytes] of single) expect({ file, same: bytes.equals(parallel.get(file)!) }).toEqual({ file, same: true });

    fs.rmSync(ws.outdir, { recursive: true });
    const first = await synth({ shard: { index: 1, count: 2 } });
    expect(first.stacks.map((s) => s.name).sort()).toEqual([platform, tenant(0), tenant(2)].sort());
    const second = await synth({ shard: { index: 2, count: 2 } });
    expect(second.stacks.map((s) => s.name)).toEqual([tenant(1)]);
    const sharded = readTree(ws.outdir);
    for (const [file, bytes] of single) expect({ file, same: bytes.equals(sharded.get(file)!) }).toEqual({ file, same: true });
  }, 240_000);
});
