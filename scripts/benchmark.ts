/**
 * Benchmark: how long and how much memory synthesis takes for an environment of N generated
 * tenants (every jurisdiction, every feature), and for one tenant alone with STACKS. Targets are
 * checked here, never in a timed unit test.
 *
 *   npm run bench -- [--tenants 100] [--max-seconds-per-tenant 0.5] [--max-rss-mb 2048]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { stringify } from 'yaml';
import { JURISDICTIONS, JURISDICTION_RULES } from '../config/jurisdictions';
import { INTEGRATIONS } from '../config/catalog';
import { buildApp } from '../stacks/build-app';
import { tenantStackName } from '../config/naming';

const USAGE = `Usage: npm run bench -- [--tenants N] [--max-seconds-per-tenant S] [--max-rss-mb M]
  --tenants N                  generated tenants (default 100)
  --max-seconds-per-tenant S   fail if full synthesis takes longer than S seconds per tenant (default 0.5)
  --max-seconds-single S       fail if synthesizing one tenant with STACKS takes longer (default 10)
  --max-rss-mb M               fail if peak resident memory exceeds M MiB (default 2048)
  --help                       this text`;

function generatedTenant(i: number) {
  const jurisdiction = JURISDICTIONS[i % JURISDICTIONS.length];
  const rules = JURISDICTION_RULES[jurisdiction];
  const conversion = i % 2 === 0;
  return {
    id: `bench-${String(i).padStart(4, '0')}`,
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

function main(): number {
  let args;
  try {
    args = parseArgs({
      options: {
        tenants: { type: 'string', default: '100' },
        'max-seconds-per-tenant': { type: 'string', default: '0.5' },
        'max-seconds-single': { type: 'string', default: '10' },
        'max-rss-mb': { type: 'string', default: '2048' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const count = Number(args.tenants);
  if (!Number.isInteger(count) || count < 1 || count > 5000) {
    console.error(`--tenants: got "${args.tenants}"; expected an integer from 1 to 5000`);
    return 2;
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-bench-'));
  try {
    const envDir = path.join(root, 'environments', 'bench');
    fs.mkdirSync(path.join(envDir, 'tenants'), { recursive: true });
    const platform = fs
      .readFileSync(path.join(__dirname, '..', 'environments', 'example', 'platform.yaml'), 'utf8')
      .replace(/^environment: example$/m, 'environment: bench');
    fs.writeFileSync(path.join(envDir, 'platform.yaml'), platform);
    for (let i = 0; i < count; i++) {
      const t = generatedTenant(i);
      fs.writeFileSync(path.join(envDir, 'tenants', `${t.id}.yaml`), stringify(t));
    }
    const environmentsDir = path.join(root, 'environments');

    const t0 = process.hrtime.bigint();
    buildApp({ environmentsDir, environment: 'bench', outdir: path.join(root, 'out-all') }).synth();
    const allSeconds = Number(process.hrtime.bigint() - t0) / 1e9;

    const t1 = process.hrtime.bigint();
    buildApp({
      environmentsDir,
      environment: 'bench',
      stacks: [tenantStackName('bench', generatedTenant(0).id)],
      outdir: path.join(root, 'out-one'),
    }).synth();
    const singleSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
    const rssMb = process.resourceUsage().maxRSS / 1024;

    const result = {
      tenants: count,
      fullSynthSeconds: Number(allSeconds.toFixed(3)),
      secondsPerTenant: Number((allSeconds / count).toFixed(4)),
      singleTenantSynthSeconds: Number(singleSeconds.toFixed(3)),
      peakRssMb: Math.round(rssMb),
    };
    console.log(JSON.stringify(result, null, 2));
    const failures: string[] = [];
    if (result.secondsPerTenant > Number(args['max-seconds-per-tenant'])) {
      failures.push(`synthesis took ${result.secondsPerTenant}s per tenant; target ${args['max-seconds-per-tenant']}s`);
    }
    if (result.singleTenantSynthSeconds > Number(args['max-seconds-single'])) {
      failures.push(`one-tenant synthesis took ${result.singleTenantSynthSeconds}s; target ${args['max-seconds-single']}s`);
    }
    if (result.peakRssMb > Number(args['max-rss-mb'])) {
      failures.push(`peak memory ${result.peakRssMb} MiB; target ${args['max-rss-mb']} MiB`);
    }
    for (const f of failures) console.error(`benchmark target missed: ${f}`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

process.exitCode = main();
