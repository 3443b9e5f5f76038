/**
 * `npm run handover` (HAND-1, DPA 10.2), against a temporary copy of the example environment:
 * the three phases in order on the tenant whose project was provisioned for takeover, each
 * leaving a file that the loader accepts and a stack that synthesizes; and the refusals.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { loadEnvironment } from '../../config/loader';
import { main as handoverMain } from '../../scripts/handover';
import { copyEnvironment } from '../support/temp-environment';
import { runInProcess, runScript, treeHashes } from './cli-harness';

const PREPARE = [
  '--customer-org',
  '998877665544',
  '--customer-billing',
  '0A0A0A-1B1B1B-2C2C2C',
  '--owner-group',
  'gcp-owners@alpensport.example',
  '--customer-directory',
  'C09alpen1',
];

describe('HAND-1: npm run handover', () => {
  it('takes alpen-sport through prepare, transfer and release, keeping the rest of its file', () => {
    const tmp = copyEnvironment();
    try {
      const file = path.join(tmp.envDir, 'tenants', 'alpen-sport.yaml');
      const original = fs.readFileSync(file, 'utf8');
      const base = ['--env', 'fixture', '--tenant', 'alpen-sport', '--environments-dir', tmp.dir];

      const prepare = runInProcess(handoverMain, [...base, '--phase', 'prepare', ...PREPARE]);
      expect({ code: prepare.code, stderr: prepare.stderr }).toEqual({ code: 0, stderr: '' });
      expect(prepare.stdout).toMatch(/npx cdktf deploy tenant-fixture-alpen-sport/);
      expect(prepare.stdout).not.toContain('deploy platform-fixture');
      let tenant = loadEnvironment('fixture', { environmentsDir: tmp.dir }).tenants.find((t) => t.id === 'alpen-sport')!;
      expect(tenant.lifecycle).toEqual({
        state: 'handover-prepare',
        handover: {
          customerOrganizationId: '998877665544',
          customerBillingAccount: '0A0A0A-1B1B1B-2C2C2C',
          customerOwnerGroup: 'gcp-owners@alpensport.example',
          customerDirectoryCustomerId: 'C09alpen1',
        },
      });
      // The header comment and every other field survive the edit.
      expect(fs.readFileSync(file, 'utf8').split('\n')[0]).toBe(original.split('\n')[0]);
      const { lifecycle: _l, ...rest } = parseDocument(fs.readFileSync(file, 'utf8')).toJS();
      const { lifecycle: _o, ...originalRest } = parseDocument(original).toJS();
      expect(rest).toEqual(originalRest);

      expect(runInProcess(handoverMain, [...base, '--phase', 'transfer']).code).toBe(0);
      tenant = loadEnvironment('fixture', { environmentsDir: tmp.dir }).tenants.find((t) => t.id === 'alpen-sport')!;
      expect(tenant.lifecycle.state).toBe('handover-transfer');

      const release = runInProcess(handoverMain, [...base, '--phase', 'release']);
      expect(release.code).toBe(0);
      expect(release.stdout).toMatch(/releases the[\s\S]*project, the owner grant and the warehouse/);
      tenant = loadEnvironment('fixture', { environmentsDir: tmp.dir }).tenants.find((t) => t.id === 'alpen-sport')!;
      expect(tenant.lifecycle.state).toBe('handed-over');
      expect(tenant.lifecycle.handover?.customerOwnerGroup).toBe('gcp-owners@alpensport.example');
    } finally {
      tmp.remove();
    }
  });

  const refusals: Array<[string, string[], RegExp]> = [
    ['a tenant whose project is Smart Segments-owned', ['--tenant', 'brightwave-leisure', '--phase', 'prepare', ...PREPARE], /no project provisioned for takeover/],
    ["a customer's own project", ['--tenant', 'nordic-climb', '--phase', 'prepare', ...PREPARE], /already the customer's/],
    ['a phase out of order', ['--tenant', 'alpen-sport', '--phase', 'release'], /lifecycle state active; --phase release moves handover-transfer to handed-over/],
    ['an unknown phase', ['--tenant', 'alpen-sport', '--phase', 'finish'], /--phase: got "finish"; allowed: prepare, transfer, release/],
    ['prepare without the customer details', ['--tenant', 'alpen-sport', '--phase', 'prepare'], /--customer-org is required with --phase prepare/],
    ['prepare details on another phase', ['--tenant', 'alpen-sport', '--phase', 'transfer', '--customer-org', '1234567'], /--customer-org belongs to --phase prepare/],
    ['a bad owner group email', ['--tenant', 'alpen-sport', '--phase', 'prepare', ...PREPARE.slice(0, 4), '--owner-group', 'nobody', ...PREPARE.slice(6)], /--owner-group: lifecycle.handover.customerOwnerGroup/],
    ['a bad billing account', ['--tenant', 'alpen-sport', '--phase', 'prepare', ...PREPARE.slice(0, 2), '--customer-billing', 'x', ...PREPARE.slice(4)], /--customer-billing: .*billing account/],
    ['a path-like tenant id', ['--tenant', '../x', '--phase', 'prepare', ...PREPARE], /--tenant: "..\/x" is not a tenant id/],
    ['an unknown flag', ['--tenant', 'alpen-sport', '--phase', 'transfer', '--force'], /unknown flag --force/],
  ];

  it.each(refusals)('refuses %s, changing nothing', (_name, args, message) => {
    const tmp = copyEnvironment();
    try {
      const before = treeHashes(tmp.dir);
      const result = runInProcess(handoverMain, ['--env', 'fixture', '--environments-dir', tmp.dir, ...args]);
      expect(result.code).toBe(2);
      expect(result.errors.join('\n')).toMatch(message);
      expect(treeHashes(tmp.dir)).toEqual(before);
    } finally {
      tmp.remove();
    }
  });

  it('documents every flag in --help, run as a user would', async () => {
    const result = await runScript('handover', ['--help']);
    expect(result.code).toBe(0);
    for (const flag of ['--env', '--tenant', '--phase', '--customer-org', '--customer-billing', '--owner-group', '--customer-directory', '--environments-dir', '--help']) {
      expect(result.stdout).toContain(flag);
    }
  });
});
