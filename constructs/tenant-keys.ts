/**
 * TenantKeys (ENC-2, DEL-2; DPA Annex II 1, 10.1, 10.3): the tenant's own Cloud KMS keys, in the
 * tenant's own project. One key ring per KMS location the tenant's stores need, one key per kind of
 * store in it (the warehouse, Pub/Sub, Secret Manager, Firestore), so that each store is encrypted
 * with a key in the location of its data and only that store's service agent may use that key
 * (`grantEncryptDecrypt`, roles/cloudkms.cryptoKeyEncrypterDecrypter on the one key).
 *
 * Keys rotate every 90 days. Their versions wait 7 days in DESTROY_SCHEDULED when the key is
 * destroyed (Cloud KMS defaults to 30): offboarding destroys the keys, and 7 days later every copy
 * encrypted with them (Google's backups included, which otherwise expire on Google's own cycle of
 * up to about 180 days) is unreadable: crypto-shredding inside the 14 days of DPA 10.1, while a
 * mistaken destroy can still be undone (versions can be restored while scheduled). The deletion
 * certificate reads the date from the synthesized `destroy_scheduled_duration`.
 *
 * While the tenant is served the keys cannot be destroyed (`lifecycle.prevent_destroy`): the
 * warehouse key follows the warehouse's protection (it passes to the customer on a handover and is
 * released from state with it, HAND-1), the other keys that of the workloads. Only offboarding
 * lifts both. Key rings and keys are never deleted by Google; destroying a key destroys its
 * versions, which is the point.
 *
 * Keys are created only in a project Smart Segments owns. In a customer's own project (HAND-2)
 * this code creates only what the tenant config names, and a key ring, which can never be
 * deleted, is not among those things: such a tenant's stores keep Google-managed encryption until
 * its config can name the customer's own key (not implemented yet), and ENC-2 reports the
 * project as not applicable with that reason.
 */
import { Construct } from 'constructs';
import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { KmsKeyRing } from '@cdktf/provider-google/lib/kms-key-ring';
import { jurisdictionRules, kmsLocationFor, type Jurisdiction } from '../config/jurisdictions';
import { assertGrantable, grantDependencies, grantKey } from './grant-policy';
import type { IGrantee } from './principal';
import type { ServiceAgents } from './service-agents';
import type { TenantProject } from './tenant-project';
import { DELETION_PROMISE, MAX_KMS_DESTROY_SCHEDULED, MAX_ROTATION } from '../policy/dpa';
import { SECONDS_PER_DAY } from '../policy/gcp-defaults';

/** Keys get a new primary version as often as the rotation policy allows at most (policy/dpa.ts MAX_ROTATION). */
export const KEY_ROTATION_DAYS = MAX_ROTATION.days;
/**
 * Days a destroyed key's versions stay recoverable before they are gone (Cloud KMS allows 1-120,
 * default KMS_DEFAULT_DESTROY_SCHEDULED). 7 keeps the crypto-shredding date inside the deletion
 * promise (policy/dpa.ts) when offboarding is deployed within a week of the request. Immutable once
 * a key exists.
 */
export const KEY_DESTROY_SCHEDULED_DAYS = 7;
export const ENCRYPT_DECRYPT_ROLE = 'roles/cloudkms.cryptoKeyEncrypterDecrypter';

/** The kinds of store that get a key of their own. */
export type KeyPurpose = 'warehouse' | 'pubsub' | 'secrets' | 'firestore';
const KEY_PURPOSES: readonly KeyPurpose[] = ['warehouse', 'pubsub', 'secrets', 'firestore'];


export interface TenantKeysProps {
  readonly project: TenantProject;
  readonly jurisdiction: Jurisdiction;
  /** The tenant's region: Pub/Sub keys live here when the jurisdiction has no KMS multi-region. */
  readonly region: string;
  /** Destroy protection on the warehouse key. Default true; lifted only when offboarding. */
  readonly protectData?: boolean;
  /** Destroy protection on the other keys. Default true; lifted from the handover transfer on and when offboarding. */
  readonly protectWorkloads?: boolean;
  /** Days between rotations (2 to MAX_ROTATION). Default KEY_ROTATION_DAYS. */
  readonly rotationDays?: number;
  /** Days destroyed versions stay scheduled (1 to MAX_KMS_DESTROY_SCHEDULED). Default 7. */
  readonly destroyScheduledDays?: number;
}

/** What a store construct needs to encrypt itself with the tenant's key (ENC-2). */
export interface StoreEncryption {
  readonly keys: TenantKeys;
  /** The store's service agent comes from here; it is granted the key before the store is created. */
  readonly serviceAgents: ServiceAgents;
}

/** One key of the tenant, with the grant method for the one service agent that uses it. */
export class EncryptionKey extends Construct {
  readonly cryptoKey: KmsCryptoKey;
  readonly purpose: KeyPurpose;
  /** The KMS location of the key (a region or a KMS multi-region such as `europe`). */
  readonly location: string;
  private readonly grants = new Map<string, KmsCryptoKeyIamMember>();
  private protectedByAStore = false;

  constructor(scope: Construct, id: string, props: { readonly purpose: KeyPurpose; readonly location: string; readonly config: ConstructorParameters<typeof KmsCryptoKey>[2] }) {
    super(scope, id);
    this.purpose = props.purpose;
    this.location = props.location;
    this.cryptoKey = new KmsCryptoKey(this, 'key', props.config);
  }

  /** A store that uses the key: the key is destroy-protected while any of its stores is. */
  protectFor(protect: boolean): void {
    this.protectedByAStore ||= protect;
    this.cryptoKey.lifecycle = { ...this.cryptoKey.lifecycle, preventDestroy: this.protectedByAStore };
  }

  /** `projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`, the name stores take as `kms_key_name`. */
  get keyName(): string {
    return this.cryptoKey.id;
  }

  /**
   * Lets `agent` (a Google service agent) encrypt and decrypt with this key and no other
   * (roles/cloudkms.cryptoKeyEncrypterDecrypter on the key). Idempotent per grantee; a store that
   * uses the key must depend on the returned grant, so the agent can use the key when the store is created.
   */
  grantEncryptDecrypt(agent: IGrantee): KmsCryptoKeyIamMember {
    const key = grantKey(agent);
    let grant = this.grants.get(key);
    if (!grant) {
      assertGrantable({ role: ENCRYPT_DECRYPT_ROLE, grantee: agent, resource: `google_kms_crypto_key ${this.purpose} (${this.location})` });
      grant = new KmsCryptoKeyIamMember(this, `encrypt-decrypt-${key}`, {
        cryptoKeyId: this.cryptoKey.id,
        role: ENCRYPT_DECRYPT_ROLE,
        member: agent.member,
        dependsOn: grantDependencies(agent),
      });
      this.grants.set(key, grant);
    }
    return grant;
  }
}

export class TenantKeys extends Construct {
  readonly jurisdiction: Jurisdiction;
  readonly region: string;
  readonly rotationDays: number;
  readonly destroyScheduledDays: number;
  private readonly project: TenantProject;
  private readonly protectData: boolean;
  private readonly protectWorkloads: boolean;
  private readonly rings = new Map<string, KmsKeyRing>();
  private readonly keyMap = new Map<string, EncryptionKey>();

  constructor(scope: Construct, id: string, props: TenantKeysProps) {
    super(scope, id);
    const what = `TenantKeys ${this.node.path}`;
    if (!props.project.isOwnedBySmartSegments) {
      throw new Error(
        `${what}: project ${props.project.projectId} belongs to the customer (HAND-2); Smart Segments creates no key ring there, because it creates only what the tenant config names`,
      );
    }
    if (!jurisdictionRules(props.jurisdiction).regions.includes(props.region)) {
      throw new Error(`${what}: region "${props.region}" is not in jurisdiction ${props.jurisdiction} (RES-1)`);
    }
    this.rotationDays = props.rotationDays ?? KEY_ROTATION_DAYS;
    if (!Number.isInteger(this.rotationDays) || this.rotationDays < 2 || this.rotationDays > MAX_ROTATION.days) {
      throw new Error(
        `${what}: rotationDays must be a whole number from 2 to ${MAX_ROTATION.days} (ENC-2: keys rotate at least every ${MAX_ROTATION.days} days), got ${this.rotationDays}`,
      );
    }
    this.destroyScheduledDays = props.destroyScheduledDays ?? KEY_DESTROY_SCHEDULED_DAYS;
    if (!Number.isInteger(this.destroyScheduledDays) || this.destroyScheduledDays < 1 || this.destroyScheduledDays > MAX_KMS_DESTROY_SCHEDULED.days) {
      throw new Error(
        `${what}: destroyScheduledDays must be a whole number from 1 to ${MAX_KMS_DESTROY_SCHEDULED.days}, so crypto-shredding completes inside the ${DELETION_PROMISE.days} days of DPA ${DELETION_PROMISE.clause} (DEL-2), got ${this.destroyScheduledDays}`,
      );
    }
    this.project = props.project;
    this.jurisdiction = props.jurisdiction;
    this.region = props.region;
    this.protectData = props.protectData ?? true;
    this.protectWorkloads = props.protectWorkloads ?? true;
  }

  /**
   * Regions an encrypted Pub/Sub topic may store messages in: every region of the jurisdiction when
   * one KMS multi-region covers them (EEA: `europe`), otherwise only the tenant's region, where its
   * key is (Cloud KMS has no Australian multi-region, so an Australian topic keeps its messages in
   * the tenant's region rather than depend on a key in another region).
   */
  get pubsubRegions(): readonly string[] {
    const all = jurisdictionRules(this.jurisdiction).regions;
    return kmsLocationFor(this.jurisdiction, all) !== undefined ? [...all] : [this.region];
  }

  /**
   * The key for `purpose` whose location matches data stored in `dataLocations` (a BigQuery or
   * Firestore location, a secret's replica regions or a topic's persistence regions). Created once
   * per purpose and location; throws when no single KMS location covers the data.
   */
  keyFor(purpose: KeyPurpose, dataLocations: readonly string[], options: { readonly protect?: boolean } = {}): EncryptionKey {
    const location = kmsLocationFor(this.jurisdiction, dataLocations);
    if (location === undefined) {
      throw new Error(
        `TenantKeys ${this.node.path}: no Cloud KMS location of jurisdiction ${this.jurisdiction} covers ${dataLocations.join(', ')} (ENC-2: the key must be where the data is); store the data in one region, or in the regions of a KMS multi-region`,
      );
    }
    const id = `${purpose}-${location}`;
    let key = this.keyMap.get(id);
    if (!key) {
      key = new EncryptionKey(this, id, {
        purpose,
        location,
        config: {
          name: purpose,
          keyRing: this.ring(location).id,
          purpose: 'ENCRYPT_DECRYPT',
          rotationPeriod: `${this.rotationDays * SECONDS_PER_DAY}s`,
          destroyScheduledDuration: `${this.destroyScheduledDays * SECONDS_PER_DAY}s`,
          versionTemplate: { algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION', protectionLevel: 'SOFTWARE' },
          labels: { 'data-class': purpose === 'secrets' ? 'credentials' : 'customer-data' },
        },
      });
      this.keyMap.set(id, key);
    }
    key.protectFor(options.protect ?? (purpose === 'warehouse' ? this.protectData : this.protectWorkloads));
    return key;
  }

  /** Every key created so far, sorted by purpose and location. */
  get keys(): EncryptionKey[] {
    return [...this.keyMap.values()].sort(
      (a, b) => KEY_PURPOSES.indexOf(a.purpose) - KEY_PURPOSES.indexOf(b.purpose) || a.location.localeCompare(b.location),
    );
  }

  /**
   * What must leave state without being destroyed when the warehouse passes to the customer
   * (HAND-1 release): the warehouse keys with BigQuery's grants on them, and the key rings that hold
   * them. Destroying them would make the customer's data unreadable.
   */
  get warehouseEncryption(): Construct[] {
    const keys = this.keys.filter((k) => k.purpose === 'warehouse');
    return [...keys, ...[...new Set(keys.map((k) => k.location))].map((l) => this.rings.get(l)!)];
  }

  private ring(location: string): KmsKeyRing {
    let ring = this.rings.get(location);
    if (!ring) {
      const api = this.project.enableApi('cloudkms.googleapis.com');
      ring = new KmsKeyRing(this, `ring-${location}`, {
        project: this.project.projectId,
        name: `customer-data-${location}`,
        location,
        dependsOn: api ? [api] : [],
      });
      this.rings.set(location, ring);
    }
    return ring;
  }
}
