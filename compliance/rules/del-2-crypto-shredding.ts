/**
 * DEL-2 (DPA 10.1, 10.3): offboarding destroys the tenant's key versions (crypto-shredding), so
 * every copy of the data they encrypt, Google's backups included, is unreadable once the versions
 * leave DESTROY_SCHEDULED. Each key states `destroy_scheduled_duration` (it is immutable once the
 * key exists, so it is checked from the start) and it is at most 14 days, the deletion promise of
 * DPA 10.1. While the tenant is served, a key is protected from destroy whenever a store it
 * encrypts is (destroying the key would shred data the store itself protects); when the tenant is
 * offboarding nothing protects a key, and each key's destruction horizon, computed by
 * compliance/deletion-horizon exactly as the deletion certificate computes its date, is reported.
 */
import { createsProject } from '../../config/loader';
import { DAY, inventoryDataStores } from '../deletion-horizon';
import { customerDataStores, storeProtection, storesByKey } from '../encryption-keys';
import { block } from '../json-blocks';
import { parseDurationSeconds } from '../../policy/retention-budget';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding, type RuleContext } from '../rule';

import { DELETION_PROMISE, MAX_KMS_DESTROY_SCHEDULED } from '../../policy/dpa';
import { KMS_DEFAULT_DESTROY_SCHEDULED, secondsOf } from '../../policy/gcp-defaults';
const MAX_DESTROY_SCHEDULED_DAYS = MAX_KMS_DESTROY_SCHEDULED.days;

/** The customer's own project holds no keys of ours (HAND-2): both checks say so. */
function customerProjectReason(ctx: RuleContext): Finding[] | undefined {
  const tenant = ctx.tenant!;
  return createsProject(tenant)
    ? undefined
    : [
        notApplicable(
          `project ${tenant.projectId} is the customer's own (HAND-2): Smart Segments holds no keys there to destroy; offboarding deletes the stores it created (RET-3)`,
        ),
      ];
}

export const del2DestroyScheduled = defineCheck({
  id: 'DEL-2/destroy-scheduled',
  explanation:
    `The tenant's stores are encrypted with keys of its own, each stating a scheduled-destruction period of at most ${MAX_KMS_DESTROY_SCHEDULED.days} days (immutable once the key exists).`,
  appliesTo: ['tenant'],
  check(ctx) {
    const customer = customerProjectReason(ctx);
    if (customer) return customer;
    const keys = ctx.stack.ofType('google_kms_crypto_key');
    if (keys.length === 0) {
      const stores = customerDataStores(ctx.stack).filter((s) => !s.inheritsFrom);
      return stores.length > 0
        ? [
            nonCompliant(
              STACK_ADDRESS,
              `the stack holds ${stores.length} Customer Data store(s) but no key of its own, so offboarding cannot crypto-shred their backups.`,
              "encrypt the stores with the tenant's keys (TenantKeys, ENC-2).",
            ),
          ]
        : [notApplicable('the stack holds no Customer Data store and no key')];
    }
    return keys.map((key) => {
      const seconds = parseDurationSeconds(key.values.destroy_scheduled_duration);
      if (seconds === undefined)
        return nonCompliant(
          key.address,
          `destroy_scheduled_duration is not set, so destroyed versions stay readable for the Cloud KMS default of ${KMS_DEFAULT_DESTROY_SCHEDULED.days} days, past the ${DELETION_PROMISE.days} days of DPA ${DELETION_PROMISE.clause} (and the setting cannot be changed once the key exists).`,
          `set destroy_scheduled_duration to at most ${MAX_DESTROY_SCHEDULED_DAYS * DAY}s (TenantKeys uses 7 days).`,
        );
      if (seconds > MAX_DESTROY_SCHEDULED_DAYS * DAY)
        return nonCompliant(
          key.address,
          `destroyed versions stay scheduled ${(seconds / DAY).toFixed(1)} days, so copies stay readable past the ${DELETION_PROMISE.days} days of DPA ${DELETION_PROMISE.clause}.`,
          `set destroy_scheduled_duration to at most ${MAX_DESTROY_SCHEDULED_DAYS * DAY}s.`,
        );
      return compliant(key.address, `destroyed versions stay scheduled ${(seconds / DAY).toFixed(1)} days, within the ${DELETION_PROMISE.days} days`);
    });
  },
});

export const del2CryptoShredding = defineCheck({
  id: 'DEL-2/crypto-shredding',
  explanation:
    "While the tenant is served a key is protected whenever a store it encrypts is; when it is offboarding nothing protects a key, so destroying it makes every copy unreadable.",
  appliesTo: ['tenant'],
  check(ctx) {
    const customer = customerProjectReason(ctx);
    if (customer) return customer;
    const keys = ctx.stack.ofType('google_kms_crypto_key');
    if (keys.length === 0) return [notApplicable('the stack holds no key (DEL-2/destroy-scheduled judges stores without one)')];
    const offboarding = ctx.tenant!.lifecycle.state === 'offboarding';
    const horizons = new Map(inventoryDataStores(ctx.stack).stores.map((s) => [s.address, s]));
    const byKey = storesByKey(ctx.stack);
    const findings: Finding[] = [];
    for (const key of keys) {
      // The destruction horizon as the deletion certificate computes it (the Cloud KMS default when unset).
      const horizon = horizons.get(key.address)?.retentionSeconds ?? secondsOf(KMS_DEFAULT_DESTROY_SCHEDULED);
      const preventDestroy = block(key.values.lifecycle)?.prevent_destroy === true;
      const encrypts = byKey.get(key.address) ?? [];
      if (offboarding) {
        if (preventDestroy) {
          findings.push(
            nonCompliant(
              key.address,
              'the tenant is offboarding, but lifecycle.prevent_destroy keeps the key, so its versions are never destroyed and backups stay readable.',
              'lift the protection for offboarding (config/lifecycle.ts, TenantKeys protectData/protectWorkloads).',
            ),
          );
        } else {
          findings.push(
            compliant(
              key.address,
              `destroyed by the offboarding; its versions are gone ${(horizon / DAY).toFixed(1)} days later, and with them every copy of ${
                encrypts.length ? encrypts.map((s) => s.resource.address).join(', ') : 'what it encrypted'
              }, backups included (the deletion certificate states the date)`,
            ),
          );
        }
        continue;
      }
      const protectedStores = encrypts.filter((s) => storeProtection(s.resource) !== undefined);
      if (protectedStores.length > 0 && !preventDestroy) {
        findings.push(
          nonCompliant(
            key.address,
            `destroying this key would make ${protectedStores.map((s) => s.resource.address).join(', ')} unreadable, though the store itself is protected from destroy.`,
            'protect the key as its stores are (lifecycle.prevent_destroy while the tenant is served; TenantKeys does).',
          ),
        );
      } else {
        findings.push(
          compliant(
            key.address,
            `${preventDestroy ? 'protected from destroy while the tenant is served' : 'not protected, as none of its stores is'}; offboarding destroys it and its versions are gone ${(
              horizon / DAY
            ).toFixed(1)} days later`,
          ),
        );
      }
    }
    return findings;
  },
});

/** The checks of DEL-2, in the order the report lists them. */
export const del2CryptoShreddingChecks = [del2DestroyScheduled, del2CryptoShredding] as const;
