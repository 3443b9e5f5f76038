/**
 * The tenant fields `populatedSecrets` (secrets whose values are recorded as added) and
 * `retiringFeatures` (features whose protection is lifted before removal): valid files load, each
 * invalid one is refused naming the file, the field and the fix. And the one derivation of secret
 * ids that config, constructs and checks share.
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { ConfigError } from '../config/config-error';
import { enabledFeatures, featureSecretIds, isFeatureKey } from '../config/features';
import { featureProtection } from '../config/lifecycle';
import { loadEnvironment, validateTenantDocument } from '../config/loader';
import { tenantSecretIds } from '../config/naming';
import { runningAccountIds, waitingWorkloads } from '../config/workload-secrets';
import { copyEnvironment } from './support/temp-environment';
import { VALID_TENANT } from './support/valid-tenant';

const tenant = {
  ...VALID_TENANT,
  conversionTracking: { enabled: true, destinations: ['meta'] },
  llmSupport: 'allowed',
  contacts: { security: 'security@valid.example' },
};

/** Loads the example environment with `doc` as tenants/valid-tenant.yaml; the problems, or [] when it loads. */
function problemsOf(doc: Record<string, unknown>): string[] {
  const tmp = copyEnvironment();
  try {
    fs.writeFileSync(path.join(tmp.envDir, 'tenants', 'valid-tenant.yaml'), stringify(doc));
    loadEnvironment('fixture', { environmentsDir: tmp.dir });
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems.map((p) => `${path.basename(p.file)}: ${p.field}: ${p.message}`);
  } finally {
    tmp.remove();
  }
}

function parsed(doc: Record<string, unknown>) {
  const { tenant: t, problems } = validateTenantDocument(doc, 'valid-tenant.yaml');
  if (!t) throw new Error(problems.map((p) => p.message).join('\n'));
  return t;
}

describe('secret ids: one derivation', () => {
  it('lists a webhook secret per source, a credential per conversion destination and per integration', () => {
    expect(tenantSecretIds(parsed(tenant))).toEqual(['conversion-meta', 'integration-mailchimp', 'source-roller']);
    expect(tenantSecretIds(parsed({ ...tenant, conversionTracking: { enabled: false } }))).toEqual(['integration-mailchimp', 'source-roller']);
    expect(tenantSecretIds(parsed({ ...tenant, sources: [], integrations: [], conversionTracking: { enabled: false } }))).toEqual([]);
  });

  it('names the secrets of each feature', () => {
    const t = parsed({ ...tenant, conversionTracking: { enabled: true, destinations: ['meta', 'google-ads'], googleDeniedConsent: 'drop' } });
    expect(enabledFeatures(t)).toEqual(['source:roller', 'conversion-tracking', 'mcp', 'integration:mailchimp']);
    expect(featureSecretIds(t, 'conversion-tracking')).toEqual(['conversion-google-ads', 'conversion-meta']);
    expect(featureSecretIds(t, 'mcp')).toEqual([]);
    expect(featureSecretIds(t, 'source:roller')).toEqual(['source-roller']);
    expect(featureSecretIds(t, 'integration:mailchimp')).toEqual(['integration-mailchimp']);
    expect(isFeatureKey('integration:mailchimp')).toBe(true);
    expect(isFeatureKey('integration:myspace')).toBe(false);
  });
});

describe('populatedSecrets', () => {
  it('defaults to none: every workload that mounts a secret waits', () => {
    const t = parsed(tenant);
    expect(t.populatedSecrets).toEqual([]);
    expect(waitingWorkloads(t).map((w) => [w.accountId, w.missing])).toEqual([
      ['ingest-webhook', ['source-roller']],
      ['conversion-relay', ['conversion-meta']],
      ['sync-mailchimp', ['integration-mailchimp']],
    ]);
    expect(runningAccountIds(t)).toEqual(['conversion-purge', 'mcp-endpoint']);
  });

  it('accepts the secrets the config implies, and the workloads whose secrets are all listed run', () => {
    expect(problemsOf({ ...tenant, populatedSecrets: ['source-roller', 'integration-mailchimp'] })).toEqual([]);
    const t = parsed({ ...tenant, populatedSecrets: ['source-roller', 'integration-mailchimp'] });
    expect(runningAccountIds(t)).toEqual(['ingest-webhook', 'conversion-purge', 'mcp-endpoint', 'sync-mailchimp']);
  });

  it('refuses a secret the config does not imply, naming the file, the field and the allowed ids', () => {
    expect(problemsOf({ ...tenant, populatedSecrets: ['source-roller', 'integration-xero'] })).toEqual([
      'valid-tenant.yaml: populatedSecrets[1]: "integration-xero" is not a secret this tenant\'s config implies; allowed: conversion-meta, integration-mailchimp, source-roller. Record secrets with npm run secrets -- --record',
    ]);
  });

  it('refuses the secret of a feature that is off', () => {
    expect(problemsOf({ ...tenant, conversionTracking: { enabled: false }, populatedSecrets: ['conversion-meta'] })).toEqual([
      'valid-tenant.yaml: populatedSecrets[0]: "conversion-meta" is not a secret this tenant\'s config implies; allowed: integration-mailchimp, source-roller. Record secrets with npm run secrets -- --record',
    ]);
  });

  it('refuses duplicates and non-strings', () => {
    expect(problemsOf({ ...tenant, populatedSecrets: ['source-roller', 'source-roller'] })).toEqual([
      'valid-tenant.yaml: populatedSecrets: list entries must be unique',
    ]);
    expect(problemsOf({ ...tenant, populatedSecrets: [7] })[0]).toMatch(/^valid-tenant\.yaml: populatedSecrets\[0\]: expected string/);
    expect(problemsOf({ ...tenant, populatedSecrets: 'source-roller' })[0]).toMatch(/^valid-tenant\.yaml: populatedSecrets: expected array/);
  });
});

describe('retiringFeatures', () => {
  it('defaults to none, and accepts features that are still enabled', () => {
    expect(parsed(tenant).retiringFeatures).toEqual([]);
    expect(problemsOf({ ...tenant, retiringFeatures: ['mcp', 'integration:mailchimp', 'conversion-tracking', 'source:roller'] })).toEqual([]);
  });

  it('refuses a feature that is not enabled any more, with the fix', () => {
    expect(problemsOf({ ...tenant, mcp: { enabled: false }, retiringFeatures: ['mcp'] })).toEqual([
      'valid-tenant.yaml: retiringFeatures[0]: "mcp" is not enabled in this file, so there is nothing to retire: a feature stays configured while it retires. Remove it from retiringFeatures (if it was removed already, its resources left with it); this tenant\'s features: source:roller, conversion-tracking, integration:mailchimp',
    ]);
    expect(problemsOf({ ...tenant, retiringFeatures: ['integration:xero'] })[0]).toMatch(/^valid-tenant\.yaml: retiringFeatures\[0\]: "integration:xero" is not enabled in this file/);
  });

  it('refuses a key that is not a feature, listing the forms', () => {
    expect(problemsOf({ ...tenant, retiringFeatures: ['conversion'] })).toEqual([
      'valid-tenant.yaml: retiringFeatures[0]: "conversion" is not a feature key; the forms are source:<name>, conversion-tracking, mcp, integration:<name>; this tenant\'s features: source:roller, conversion-tracking, mcp, integration:mailchimp',
    ]);
  });

  it('refuses retiring roller while conversion tracking, which needs it, stays', () => {
    expect(problemsOf({ ...tenant, retiringFeatures: ['source:roller'] })).toEqual([
      'valid-tenant.yaml: retiringFeatures: source:roller is retiring but conversion tracking, which relays events from the ROLLER checkout (DPA C.1), is not; retire conversion-tracking too, or keep roller',
    ]);
  });

  it('refuses duplicates', () => {
    expect(problemsOf({ ...tenant, retiringFeatures: ['mcp', 'mcp'] })).toEqual(['valid-tenant.yaml: retiringFeatures: list entries must be unique']);
  });

  it('lifts protection only when every feature a resource serves is retiring, and never raises it above the lifecycle', () => {
    const t = parsed({ ...tenant, sources: ['roller', 'revsport'], retiringFeatures: ['source:revsport'] });
    expect(featureProtection(t, ['source:revsport'])).toEqual({ protectData: false, protectWorkloads: false });
    expect(featureProtection(t, ['source:roller', 'source:revsport'])).toEqual({ protectData: true, protectWorkloads: true });
    expect(featureProtection(t, ['mcp'])).toEqual({ protectData: true, protectWorkloads: true });
    const transfer = parsed({
      ...tenant,
      warehouse: { mode: 'customer', projectId: 'valid-warehouse', provisionedBy: 'smart-segments' },
      lifecycle: {
        state: 'handover-transfer',
        handover: { customerOrganizationId: '123456789', customerBillingAccount: '0A0A0A-1B1B1B-2C2C2C', customerOwnerGroup: 'owners@valid.example', customerDirectoryCustomerId: 'C01valid1' },
      },
    });
    expect(featureProtection(transfer, ['mcp'])).toEqual({ protectData: true, protectWorkloads: false });
  });
});
