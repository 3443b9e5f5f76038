/**
 * Turning a tenant's feature off in two deploys: `--retire` lists it in `retiringFeatures` (its
 * resources stay, their delete protection lifted, config/lifecycle.ts featureProtection); once that
 * is deployed, `--remove` takes the feature out of the config, out of `retiringFeatures`, and its
 * secrets out of `populatedSecrets`, so the next deploy removes its resources. The feature keys and
 * which secrets belong to a feature are config/features.ts.
 */
import type { Document } from 'yaml';
import { enabledFeatures, featureSecretIds, FEATURE_KEY_FORMS, isFeatureKey, allFeatureKeys, type FeatureKey } from '../../config/features';
import type { ResolvedTenant } from '../../config/loader';
import type { CommandSpec } from './cli';
import { ENVIRONMENTS_DIR_FLAG, ENV_FLAG, TENANT_FLAG, TENANT_CHANGE_ENVIRONMENT_HELP } from './paths';
import { didYouMean } from '../../config/did-you-mean';
import { editTenantText } from './tenant-file';

export const FEATURE_SPEC: CommandSpec = {
  usage: [
    'npm run feature -- --env <env> --tenant <id> --retire <feature> [--environments-dir <dir>]',
    'npm run feature -- --env <env> --tenant <id> --remove <feature> [--environments-dir <dir>]',
  ],
  summary: [
    "Turns one of a tenant's features off, safely, in two changes. The provider refuses to destroy a",
    'resource whose delete protection is on in state, so protection must be lifted by one deploy',
    'before the next can remove the resource:',
    '  --retire <feature>  lists the feature in retiringFeatures: its resources stay, with delete',
    '                      protection lifted (Cloud Run services and jobs, secrets, Firestore, the',
    '                      BigQuery landing table). Merge it and let CI deploy it.',
    '  --remove <feature>  after that deploy: removes the feature from the tenant file, from',
    '                      retiringFeatures, and its secrets from populatedSecrets. The next deploy',
    '                      removes its resources.',
    `Features: ${FEATURE_KEY_FORMS.join(', ')} (for example source:revsport, integration:mailchimp).`,
    "Each step synthesizes the tenant's stack with the DPA rule pack, checks that its change applies in",
    'one step (the transition checks of npm run plan-check, against the stacks as they are), and only then',
    'writes environments/<env>/tenants/<id>.yaml atomically, validated by the config schema; on any',
    'problem nothing is written.',
  ].join('\n'),
  flags: [
    ENV_FLAG,
    TENANT_FLAG,
    { name: 'retire', type: 'string', value: '<feature>', description: 'Step 1: lift the delete protection of the feature\'s resources.' },
    { name: 'remove', type: 'string', value: '<feature>', description: 'Step 2, after step 1 is deployed: remove the feature.' },
    ENVIRONMENTS_DIR_FLAG,
  ],
  footer: [
    ...TENANT_CHANGE_ENVIRONMENT_HELP,
    '',
    'Exit status: 0 done; 1 synthesis, the transition check or writing failed (nothing written);',
    '2 invalid flags or config, or a step out of order (nothing written).',
    '',
    'This command cannot see whether the retire step has been deployed. Removing a protected feature',
    'in one step (by hand, or retire and remove in the same change request) is refused by',
    '`npm run plan-check -- --base <revision>`, which CI runs on every change request against the base.',
    '',
    'Example:',
    '  npm run feature -- --env example --tenant thames-bowl --retire conversion-tracking',
    '  (merge; CI deploys tenant-example-thames-bowl)',
    '  npm run feature -- --env example --tenant thames-bowl --remove conversion-tracking',
  ].join('\n'),
};

/** The feature a flag names, or the problem: not a feature key, or not one of the tenant's features. */
export function featureFromFlag(flag: 'retire' | 'remove', value: string, tenant: ResolvedTenant): { feature?: FeatureKey; problem?: string } {
  const enabled: string[] = enabledFeatures(tenant);
  if (!isFeatureKey(value)) {
    return {
      problem: `--${flag}: "${value}" is not a feature${didYouMean(value, enabled.length ? enabled : allFeatureKeys())}; the forms are ${FEATURE_KEY_FORMS.join(', ')}; tenant "${tenant.id}" has ${enabled.join(', ') || '(no feature)'}`,
    };
  }
  if (!enabled.includes(value)) {
    return { problem: `--${flag}: tenant "${tenant.id}" does not have ${value} turned on, so there is nothing to turn off; its features: ${enabled.join(', ') || '(none)'}` };
  }
  return { feature: value };
}

/** The refusal of `--remove` for a feature that is not retiring: the steps, in order. */
export function removeRefusal(env: string, tenant: ResolvedTenant, feature: FeatureKey): string | undefined {
  if (tenant.retiringFeatures.includes(feature)) return undefined;
  const base = `npm run feature -- --env ${env} --tenant ${tenant.id}`;
  return (
    `--remove: ${feature} is not retiring, and its resources are still delete-protected in state, so removing it now would fail the deploy. ` +
    `Turn it off in two steps: 1. ${base} --retire ${feature}; 2. merge and let CI deploy that change (it lifts the protection); 3. ${base} --remove ${feature}`
  );
}

function listOf(doc: Document, key: string): string[] {
  const v = doc.toJS()?.[key] as unknown;
  return Array.isArray(v) ? v.map(String) : [];
}

function setList(doc: Document, key: string, list: readonly string[]): void {
  doc.set(key, doc.createNode([...list], { flow: true }));
}

/** The tenant file's text with `feature` added to `retiringFeatures`. */
export function withRetiring(text: string, feature: FeatureKey): string {
  return editTenantText(text, (doc) => setList(doc, 'retiringFeatures', [...listOf(doc, 'retiringFeatures').filter((f) => f !== feature), feature]));
}

/**
 * The tenant file's text with `feature` turned off: conversion tracking and MCP set to disabled (no
 * destinations or election left), a source or integration dropped from its list, the feature gone
 * from `retiringFeatures` (the key too once empty) and its secrets gone from `populatedSecrets`.
 */
export function withFeatureRemoved(text: string, tenant: ResolvedTenant, feature: FeatureKey): string {
  const secrets = featureSecretIds(tenant, feature);
  return editTenantText(text, (doc) => {
    if (feature === 'conversion-tracking') doc.set('conversionTracking', doc.createNode({ enabled: false }));
    else if (feature === 'mcp') doc.set('mcp', doc.createNode({ enabled: false }));
    else {
      const [key, name] = feature.startsWith('source:') ? ['sources', feature.slice('source:'.length)] : ['integrations', feature.slice('integration:'.length)];
      setList(doc, key, listOf(doc, key).filter((x) => x !== name));
    }
    const retiring = listOf(doc, 'retiringFeatures').filter((f) => f !== feature);
    if (retiring.length > 0) setList(doc, 'retiringFeatures', retiring);
    else doc.delete('retiringFeatures');
    if (doc.has('populatedSecrets')) setList(doc, 'populatedSecrets', listOf(doc, 'populatedSecrets').filter((s) => !secrets.includes(s)));
  });
}
