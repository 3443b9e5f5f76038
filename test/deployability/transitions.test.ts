import { BigqueryDataset } from '@cdktf/provider-google/lib/bigquery-dataset';
import { BigqueryTable } from '@cdktf/provider-google/lib/bigquery-table';
import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { Project } from '@cdktf/provider-google/lib/project';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import type { TerraformStack } from 'cdktf';
import { checkTransition, identityOf, protectionOf } from '../../compliance/deployability/transitions';
import { formatViolation } from '../../compliance/engine';
import { synthesizeStack } from '../../compliance/synth-gate';
import type { SynthesizedStack } from '../../compliance/synthesized-stack';
import { bareTenantStack } from '../compliance/support';
import { PROJECT_ID } from './fixtures';

/** One tenant stack built by `build`, synthesized as the gate does. */
function synth(build: (stack: TerraformStack) => void): SynthesizedStack {
  const { stack } = bareTenantStack();
  build(stack);
  return synthesizeStack(stack);
}
const only = (s: SynthesizedStack) => new Map([[s.name, s]]);
const messages = (before: SynthesizedStack, after?: SynthesizedStack) =>
  checkTransition(only(before), after ? only(after) : new Map()).map(formatViolation);

const secret = (stack: TerraformStack, protect: boolean) =>
  new SecretManagerSecret(stack, 'meta-secret', { project: PROJECT_ID, secretId: 'meta-capi', replication: { auto: {} }, deletionProtection: protect });
const project = (stack: TerraformStack, deletionPolicy?: string) =>
  new Project(stack, 'project', { projectId: PROJECT_ID, name: PROJECT_ID, folderId: 'folders/1', ...(deletionPolicy ? { deletionPolicy } : {}) });

describe('DEP-REMOVE-PROTECTED: nothing protected leaves the configuration in one step', () => {
  it('refuses removing a delete-protected secret in one step (issue 9, failure 4), with the two-step fix', () => {
    const before = synth((s) => {
      project(s);
      secret(s, true);
    });
    const after = synth((s) => project(s));
    const found = messages(before, after);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /^\[tenant-fixture-rule-test\] google_secret_manager_secret\.meta-secret \(tenant-fixture-rule-test\/meta-secret\) breaks DEP-REMOVE-PROTECTED \(.*resource_secret_manager_secret\.go.*\): leaves the configuration while deletion_protection is true/,
    );
    expect(found[0]).toContain('Fix: retire the feature first (`npm run feature -- --retire ...`');
  });

  it('passes the same removal after a retiring step lifted the protection, and passes the retiring step itself', () => {
    const protectedStep = synth((s) => {
      project(s);
      secret(s, true);
    });
    const retired = synth((s) => {
      project(s);
      secret(s, false);
    });
    const removed = synth((s) => project(s));
    expect(messages(protectedStep, retired)).toEqual([]);
    expect(messages(retired, removed)).toEqual([]);
  });

  it('passes a protected resource released from state by a removed block with destroy = false', () => {
    const before = synth((s) => {
      project(s);
      secret(s, true);
    });
    const after = synth((s) => {
      project(s);
      s.addOverride('removed', [{ from: 'google_secret_manager_secret.meta-secret', lifecycle: { destroy: false } }]);
    });
    expect(messages(before, after)).toEqual([]);
  });

  it('counts a stack that disappears: refused while protected, passed once offboarding lifted protection', () => {
    const served = synth((s) => {
      project(s);
      secret(s, true);
    });
    const found = messages(served);
    expect(found.some((m) => m.includes('google_project.project') && m.includes('deletion_policy is unset (default PREVENT)'))).toBe(true);
    expect(found.some((m) => m.includes('google_secret_manager_secret.meta-secret') && m.includes('leaves with its whole stack'))).toBe(true);
    const offboarding = synth((s) => {
      project(s, 'DELETE');
      secret(s, false);
    });
    expect(messages(offboarding)).toEqual([]);
  });

  it("lets a prevent_destroy key leave a stack that stays (the setting leaves with its block), but not a stack that is destroyed", () => {
    const key = (stack: TerraformStack) =>
      new KmsCryptoKey(stack, 'firestore-key', { name: 'firestore', keyRing: 'projects/p/locations/europe/keyRings/r', lifecycle: { preventDestroy: true } });
    const withKey = synth((s) => {
      project(s, 'DELETE');
      key(s);
    });
    expect(messages(withKey, synth((s) => project(s, 'DELETE')))).toEqual([]);
    expect(messages(withKey)).toEqual([expect.stringMatching(/google_kms_crypto_key\.firestore-key .*leaves with its whole stack .*prevent_destroy is true/)]);
  });

  it('reads protection as the provider does, defaults included', () => {
    const r = (type: string, values: Record<string, unknown>) => ({ type, name: 'x', address: `${type}.x`, path: 'x', values });
    expect(protectionOf(r('google_cloud_run_v2_service', {}))).toMatch(/default true/);
    expect(protectionOf(r('google_bigquery_table', { deletion_protection: false }))).toBeUndefined();
    expect(protectionOf(r('google_secret_manager_secret', {}))).toBeUndefined();
    expect(protectionOf(r('google_firestore_database', { deletion_policy: 'DELETE', delete_protection_state: 'DELETE_PROTECTION_ENABLED' }))).toBeDefined();
    expect(protectionOf(r('google_firestore_database', { delete_protection_state: 'DELETE_PROTECTION_ENABLED' }))).toBeUndefined();
    expect(protectionOf(r('google_project', { deletion_policy: 'ABANDON' }))).toBeUndefined();
    // prevent_destroy leaves with the block; it stops only the destroy of a whole stack.
    expect(protectionOf(r('google_kms_crypto_key', { lifecycle: { prevent_destroy: true } }))).toBeUndefined();
    expect(protectionOf(r('google_kms_crypto_key', { lifecycle: { prevent_destroy: true } }), true)).toMatch(/prevent_destroy/);
  });
});

describe('DEP-MOVED: data-bearing resources keep their address or say where they moved', () => {
  const dataset = (stack: TerraformStack, id: string) =>
    new BigqueryDataset(stack, id, { project: PROJECT_ID, datasetId: 'smart_segments', location: 'EU' });

  it('refuses a dataset whose construct id changed without a moved block', () => {
    const before = synth((s) => dataset(s, 'warehouse'));
    const after = synth((s) => dataset(s, 'warehouse-v2'));
    const found = messages(before, after);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/google_bigquery_dataset\.warehouse .*breaks DEP-MOVED \(.*\): the same google_bigquery_dataset \(ssx-rule-test\/smart_segments\) is now at google_bigquery_dataset\.warehouse-v2/);
    expect(found[0]).toContain("Fix: keep the construct id, or add a moved block from google_bigquery_dataset.warehouse to google_bigquery_dataset.warehouse-v2");
  });

  it('passes it with the moved block', () => {
    const before = synth((s) => dataset(s, 'warehouse'));
    const after = synth((s) => {
      dataset(s, 'warehouse-v2');
      s.addOverride('moved', [{ from: 'google_bigquery_dataset.warehouse', to: 'google_bigquery_dataset.warehouse-v2' }]);
    });
    expect(messages(before, after)).toEqual([]);
  });

  it('resolves references when it reads an identity (a table names its dataset by reference)', () => {
    const s = synth((stack) => {
      const d = dataset(stack, 'warehouse');
      new BigqueryTable(stack, 'events', { project: PROJECT_ID, datasetId: d.datasetId, tableId: 'source_events' });
    });
    const table = s.resources.find((r) => r.type === 'google_bigquery_table')!;
    expect(identityOf(s, table)).toBe('google_bigquery_table:ssx-rule-test/smart_segments/source_events');
  });
});
