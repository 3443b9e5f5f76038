/**
 * ENC-2 (DPA Annex II 1, 10.1): every store of a tenant's Customer Data (BigQuery datasets and
 * tables, Pub/Sub topics and so their subscriptions, Secret Manager replicas, Firestore databases,
 * Cloud Storage buckets; anything labelled `data-class: operational` excepted) is encrypted with a
 * key from a key ring of the tenant's own project, in the KMS location that matches where the store
 * keeps its data (config/jurisdictions kmsLocationFor: the region itself, or KMS `europe` for `EU`,
 * `eur3` and topics spread over the EU regions). The store waits for its service agent's grant on
 * that key. Keys rotate at least every 90 days. Encrypt/decrypt is granted per key, to Google
 * service agents only: never on a key ring, project or folder, never to a workload or a person.
 */
import { createsProject, type ResolvedTenant } from '../../config/loader';
import { kmsLocationFor, kmsLocationMatches } from '../../config/jurisdictions';
import { customerDataStores, keyUseGrants } from '../encryption-keys';
import { dependsTransitivelyOn } from '../synthesized-stack';
import { isHandoverOwnerGrant } from '../grants';
import { parseDurationSeconds } from '../../policy/retention-budget';
import { compliant, defineCheck, nonCompliant, notApplicable, type Finding } from '../rule';
import { handoverOwnerGroup, runsDataPlane } from '../scope';

import { MAX_ROTATION_DAYS as MAX_KEY_ROTATION_DAYS } from '../../policy/dpa';
import { SECONDS_PER_DAY as DAY } from '../../policy/gcp-defaults';

/** Why the tenant's keys are not Smart Segments' to keep, or undefined when they are. */
function keysNotOurs(tenant: ResolvedTenant): Finding[] | undefined {
  if (!createsProject(tenant)) {
    return [
      notApplicable(
        `project ${tenant.projectId} is the customer's own (HAND-2): Smart Segments creates there only what the tenant config names, and no key ring (which can never be deleted) is among it; its stores use the customer's project encryption settings`,
      ),
    ];
  }
  if (!runsDataPlane(tenant)) {
    return [notApplicable('the project was handed to the customer (HAND-1); its warehouse keys left our state with the warehouse')];
  }
  return undefined;
}

export const enc2CustomerManagedKeys = defineCheck({
  id: 'ENC-2/customer-managed-keys',
  explanation:
    "Every Customer Data store is encrypted with a key of the tenant's own key ring in the data's location, and waits for its service agent's grant on it.",
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    const notOurs = keysNotOurs(tenant);
    if (notOurs) return notOurs;
    const findings: Finding[] = [];
    const grants = keyUseGrants(ctx.stack);

    const stores = customerDataStores(ctx.stack);
    for (const store of stores) {
      const r = store.resource;
      if (store.inheritsFrom) {
        const site = stores.find((s) => s.resource.address === store.inheritsFrom!.address)?.sites[0];
        if (site?.key) findings.push(compliant(r.address, `${store.kind}: encrypted with its dataset's default key ${site.key.written}`));
        // A dataset without a key is reported on the dataset.
        continue;
      }
      if (store.sites.length === 0) {
        findings.push(nonCompliant(r.address, `${store.kind} has no storage location the rule can read.`, 'state its location explicitly.'));
        continue;
      }
      for (const site of store.sites) {
        const expected = kmsLocationFor(tenant.jurisdiction, site.dataLocations);
        const where = site.dataLocations.length ? site.dataLocations.join(', ') : '(no locations)';
        if (!site.key) {
          findings.push(
            nonCompliant(
              r.address,
              `${store.kind} (${site.what}) is encrypted with Google-managed keys, not a key of the tenant's own key ring.`,
              `set ${site.attribute} to the tenant's key${expected ? ` in KMS location ${expected}` : ''} (TenantKeys.keyFor, wired by the store construct's encryption prop).`,
            ),
          );
          continue;
        }
        const problems: string[] = [];
        if (site.key.project !== tenant.projectId) {
          problems.push(`its key ${site.key.written} is not in the tenant's project ${tenant.projectId}${site.key.project ? ` but in ${site.key.project}` : ''}`);
        }
        if (!site.key.location || !kmsLocationMatches(tenant.jurisdiction, site.key.location, site.dataLocations)) {
          problems.push(
            `its key is in KMS location ${site.key.location ?? '(unknown)'}, which does not match the data in ${where}${
              expected ? ` (expected ${expected})` : ' (no single KMS location covers those locations; keep the data in one region)'
            }`,
          );
        }
        if (site.key.key) {
          const keyGrants = grants.filter((g) => g.target.address === site.key!.key!.address && g.principal.isServiceAgent);
          if (keyGrants.length === 0) problems.push(`no service agent is granted encrypt/decrypt on its key, so the store cannot use it`);
          else if (!keyGrants.some((g) => dependsTransitivelyOn(ctx.stack, r, g.address)))
            problems.push(`it does not wait for the service agent's grant on its key (${keyGrants.map((g) => g.address).join(', ')}), so creating it can fail`);
        }
        if (problems.length > 0) {
          findings.push(
            nonCompliant(
              r.address,
              `${store.kind} (${site.what}): ${problems.join('; ')}.`,
              `encrypt it with the tenant's own key for its location (TenantKeys.keyFor) and depend on the key's grant (EncryptionKey.grantEncryptDecrypt).`,
            ),
          );
        } else {
          findings.push(compliant(r.address, `${store.kind} (${site.what}, ${where}): encrypted with ${site.key.key?.address ?? site.key.written} in KMS ${site.key.location}`));
        }
      }
    }

    return findings.length > 0 ? findings : [notApplicable('the stack holds no Customer Data store')];
  },
});

export const enc2KeyRotation = defineCheck({
  id: 'ENC-2/key-rotation',
  explanation: `Every Cloud KMS key is a symmetric ENCRYPT_DECRYPT key that rotates at least every ${MAX_KEY_ROTATION_DAYS} days.`,
  appliesTo: ['tenant'],
  check(ctx) {
    const notOurs = keysNotOurs(ctx.tenant!);
    if (notOurs) return notOurs;
    const findings: Finding[] = [];
    for (const key of ctx.stack.ofType('google_kms_crypto_key')) {
      const seconds = parseDurationSeconds(key.values.rotation_period);
      const purpose = key.values.purpose ?? 'ENCRYPT_DECRYPT';
      if (purpose !== 'ENCRYPT_DECRYPT') {
        findings.push(
          nonCompliant(key.address, `purpose is ${String(purpose)}; only symmetric ENCRYPT_DECRYPT keys protect stores and rotate automatically.`, 'set purpose to ENCRYPT_DECRYPT.'),
        );
      } else if (seconds === undefined || seconds > MAX_KEY_ROTATION_DAYS * DAY) {
        findings.push(
          nonCompliant(
            key.address,
            seconds === undefined ? 'the key never rotates (no rotation_period).' : `the key rotates only every ${(seconds / DAY).toFixed(0)} days.`,
            `set rotation_period to at most ${MAX_KEY_ROTATION_DAYS * DAY}s (${MAX_KEY_ROTATION_DAYS} days; TenantKeys does).`,
          ),
        );
      } else {
        findings.push(compliant(key.address, `rotates every ${seconds / DAY} days`));
      }
    }

    return findings.length > 0 ? findings : [notApplicable('the stack holds no key')];
  },
});

export const enc2KeyUseGrants = defineCheck({
  id: 'ENC-2/key-use-grants',
  explanation: 'Encrypt/decrypt is granted per key to Google service agents only: never on a key ring, project or folder, never to a workload or person.',
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    const notOurs = keysNotOurs(tenant);
    if (notOurs) return notOurs;
    const findings: Finding[] = [];
    const grants = keyUseGrants(ctx.stack);
    const owner = handoverOwnerGroup(tenant);
    for (const g of grants) {
      if (isHandoverOwnerGrant(g, owner)) continue;
      if (g.target.level !== 'resource' || g.target.resourceType !== 'google_kms_crypto_key') {
        findings.push(
          nonCompliant(
            g.address,
            `${g.role} lets ${g.principal.member} use every key of ${g.target.resourceType === 'google_kms_key_ring' ? 'key ring' : g.target.level} ${g.target.id}.`,
            'grant roles/cloudkms.cryptoKeyEncrypterDecrypter on the one key the store uses (EncryptionKey.grantEncryptDecrypt).',
          ),
        );
      } else if (!g.principal.isServiceAgent) {
        findings.push(
          nonCompliant(
            g.address,
            `${g.role} on key ${g.target.id} is granted to ${g.principal.member}, which is not a Google service agent: it could decrypt the data outside the store.`,
            "grant key use only to the store's service agent; workloads read the store, not the key.",
          ),
        );
      } else {
        findings.push(compliant(g.address, `${g.role} on key ${g.target.address ?? g.target.id} for service agent ${g.principal.member}`));
      }
    }
    return findings.length > 0 ? findings : [notApplicable('the stack grants no key use')];
  },
});

/** The checks of ENC-2, in the order the report lists them. */
export const enc2CustomerManagedKeysChecks = [enc2CustomerManagedKeys, enc2KeyRotation, enc2KeyUseGrants] as const;
