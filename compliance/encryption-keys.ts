/**
 * Customer-managed encryption as a synthesized stack states it (ENC-2, DEL-2): which stores of
 * Customer Data there are, where each keeps its data, which Cloud KMS key encrypts it (resolved to
 * the key, its key ring, project and KMS location), which grants let whom use a key, and whether a
 * store waits for the grant its service agent needs.
 */
import { grantsOf, type Grant } from './grants';
import { blocks } from './json-blocks';
import { rolePermissions } from '../policy/iam-roles';
import { labelsOf } from './scope';
import type { SynthesizedResource, SynthesizedStack } from './synthesized-stack';

/** Permissions that use a key's versions to encrypt or decrypt data. */
const KEY_USE_PERMISSIONS = ['cloudkms.cryptoKeyVersions.useToEncrypt', 'cloudkms.cryptoKeyVersions.useToDecrypt'];

export interface KeyReference {
  /** The `kms_key_name` as written. */
  readonly written: string;
  /** The google_kms_crypto_key of the stack it points at, when it does. */
  readonly key?: SynthesizedResource;
  /** The key ring of the stack the key belongs to, when it does. */
  readonly ring?: SynthesizedResource;
  /** The project of the key ring, when known. */
  readonly project?: string;
  /** The KMS location of the key ring, when known. */
  readonly location?: string;
}

/** One place a store keeps data (a replica of a secret is one; most stores have exactly one). */
export interface StoreEncryptionSite {
  /** What part of the store, for messages: for example `replica europe-west4`. */
  readonly what: string;
  /** Locations its data is stored in. */
  readonly dataLocations: readonly string[];
  /** The key it is encrypted with; undefined when Google-managed. */
  readonly key?: KeyReference;
  /** The attribute that would name the key, for fix messages. */
  readonly attribute: string;
}

export interface CustomerDataStore {
  readonly resource: SynthesizedResource;
  readonly kind: string;
  readonly sites: readonly StoreEncryptionSite[];
  /** The store takes its key from another (a BigQuery table without its own key: its dataset's default). */
  readonly inheritsFrom?: SynthesizedResource;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

const KEY_NAME = /^projects\/([^/]+)\/locations\/([^/]+)\/keyRings\/([^/]+)\/cryptoKeys\/([^/]+)$/;
const RING_NAME = /^projects\/([^/]+)\/locations\/([^/]+)\/keyRings\/([^/]+)$/;

/** Resolves a `kms_key_name` to the key, its ring, project and location as far as the stack tells. */
export function resolveKeyReference(stack: SynthesizedStack, written: string): KeyReference {
  const key = stack.resolveReference(written);
  if (key?.type === 'google_kms_crypto_key') {
    const ringValue = str(key.values.key_ring) ?? '';
    const ring = stack.resolveReference(ringValue);
    if (ring?.type === 'google_kms_key_ring') {
      return { written, key, ring, project: str(ring.values.project), location: str(ring.values.location)?.toLowerCase() };
    }
    const m = RING_NAME.exec(ringValue);
    return { written, key, project: m?.[1], location: m?.[2]?.toLowerCase() };
  }
  const m = KEY_NAME.exec(written);
  return { written, project: m?.[1], location: m?.[2]?.toLowerCase() };
}

function keyAt(stack: SynthesizedStack, value: unknown): KeyReference | undefined {
  const written = str(value);
  return written ? resolveKeyReference(stack, written) : undefined;
}

/** Stores not holding Customer Data say so with `data-class: operational` (for example rotation notices). */
function isOperational(r: SynthesizedResource): boolean {
  return labelsOf(r)?.['data-class'] === 'operational';
}

/** Every store of Customer Data (or credentials to it) in the stack, with where and how it is encrypted. */
export function customerDataStores(stack: SynthesizedStack): CustomerDataStore[] {
  const out: CustomerDataStore[] = [];
  for (const r of stack.resources) {
    if (isOperational(r)) continue;
    const v = r.values;
    switch (r.type) {
      case 'google_bigquery_dataset': {
        const cfg = blocks(v.default_encryption_configuration)[0];
        out.push({
          resource: r,
          kind: 'BigQuery dataset',
          sites: [{ what: 'default encryption of its tables', dataLocations: [String(v.location ?? 'US')], key: keyAt(stack, cfg?.kms_key_name), attribute: 'default_encryption_configuration.kms_key_name' }],
        });
        break;
      }
      case 'google_bigquery_table': {
        const own = blocks(v.encryption_configuration)[0];
        const dataset =
          stack.resolveReference(v.dataset_id) ?? stack.ofType('google_bigquery_dataset').find((d) => d.values.dataset_id === v.dataset_id);
        if (own?.kms_key_name !== undefined || !dataset) {
          out.push({
            resource: r,
            kind: 'BigQuery table',
            sites: [{ what: 'table', dataLocations: [String(dataset?.values.location ?? 'US')], key: keyAt(stack, own?.kms_key_name), attribute: 'encryption_configuration.kms_key_name' }],
          });
        } else {
          out.push({ resource: r, kind: 'BigQuery table', sites: [], inheritsFrom: dataset });
        }
        break;
      }
      case 'google_pubsub_topic': {
        const policy = blocks(v.message_storage_policy)[0];
        const regions = Array.isArray(policy?.allowed_persistence_regions) ? (policy.allowed_persistence_regions as unknown[]).map(String) : [];
        out.push({
          resource: r,
          kind: 'Pub/Sub topic (and its subscriptions)',
          sites: [{ what: 'messages', dataLocations: regions, key: keyAt(stack, v.kms_key_name), attribute: 'kms_key_name' }],
        });
        break;
      }
      case 'google_secret_manager_secret': {
        const replication = blocks(v.replication)[0] ?? {};
        const auto = blocks(replication.auto)[0];
        const replicas = blocks(blocks(replication.user_managed)[0]?.replicas);
        const sites: StoreEncryptionSite[] = auto
          ? [{ what: 'automatic replication', dataLocations: ['global'], key: keyAt(stack, blocks(auto.customer_managed_encryption)[0]?.kms_key_name), attribute: 'replication.auto.customer_managed_encryption.kms_key_name' }]
          : replicas.map((rep) => ({
              what: `replica ${String(rep.location)}`,
              dataLocations: [String(rep.location)],
              key: keyAt(stack, blocks(rep.customer_managed_encryption)[0]?.kms_key_name),
              attribute: 'replication.user_managed.replicas.customer_managed_encryption.kms_key_name',
            }));
        out.push({ resource: r, kind: 'Secret Manager secret', sites });
        break;
      }
      case 'google_secret_manager_regional_secret':
        out.push({
          resource: r,
          kind: 'Secret Manager regional secret',
          sites: [{ what: 'secret', dataLocations: [String(v.location)], key: keyAt(stack, blocks(v.customer_managed_encryption)[0]?.kms_key_name), attribute: 'customer_managed_encryption.kms_key_name' }],
        });
        break;
      case 'google_firestore_database':
        out.push({
          resource: r,
          kind: 'Firestore database',
          sites: [{ what: 'documents', dataLocations: [String(v.location_id)], key: keyAt(stack, blocks(v.cmek_config)[0]?.kms_key_name), attribute: 'cmek_config.kms_key_name' }],
        });
        break;
      case 'google_storage_bucket':
        out.push({
          resource: r,
          kind: 'Cloud Storage bucket',
          sites: [{ what: 'objects', dataLocations: [String(v.location)], key: keyAt(stack, blocks(v.encryption)[0]?.default_kms_key_name), attribute: 'encryption.default_kms_key_name' }],
        });
        break;
      default:
        break;
    }
  }
  return out;
}

/** True when the role lets its holder encrypt or decrypt with a key. */
export function usesKeys(role: string): boolean {
  const permissions = rolePermissions(role);
  return KEY_USE_PERMISSIONS.some((p) => permissions.includes(p));
}

/** Grants that let someone encrypt or decrypt with keys. */
export function keyUseGrants(stack: SynthesizedStack): Grant[] {
  return grantsOf(stack).filter((g) => usesKeys(g.role));
}

/** For each key of the stack (by address), the stores it encrypts. */
export function storesByKey(stack: SynthesizedStack): Map<string, CustomerDataStore[]> {
  const out = new Map<string, CustomerDataStore[]>();
  for (const s of customerDataStores(stack)) {
    for (const site of s.sites) {
      const address = site.key?.key?.address;
      if (!address) continue;
      const list = out.get(address) ?? [];
      if (!list.includes(s)) list.push(s);
      out.set(address, list);
    }
  }
  return out;
}

/** Why destroy would refuse to delete the store itself, if it is protected. */
export function storeProtection(r: SynthesizedResource): string | undefined {
  const v = r.values;
  if (blocks(v.lifecycle)[0]?.prevent_destroy === true) return 'lifecycle.prevent_destroy';
  if (r.type === 'google_bigquery_table' && v.deletion_protection !== false) return 'deletion_protection';
  if (r.type === 'google_secret_manager_secret' && v.deletion_protection === true) return 'deletion_protection';
  if (r.type === 'google_firestore_database' && v.delete_protection_state === 'DELETE_PROTECTION_ENABLED') return 'delete_protection_state';
  return undefined;
}
