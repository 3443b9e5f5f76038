/**
 * Where a synthesized resource puts its data: every location-bearing attribute (location, region,
 * zone, Firestore location_id, Pub/Sub allowed persistence regions, bucket data locations, Secret
 * Manager replica locations, logging storage locations), found by walking the resource's values,
 * plus the defaults Google applies when a resource names none. RES-1 and RES-4 read locations here.
 */
import { referencesIn, type SynthesizedResource } from './synthesized-stack';

export interface LocationValue {
  /** JSON path inside the resource, for example `replication.user_managed.replicas[0].location`. */
  readonly path: string;
  readonly value: string;
}

/** Attribute names that hold a location, a region or a zone (single values or lists). */
const LOCATION_KEYS = new Set([
  'location',
  'locations',
  'region',
  'regions',
  'zone',
  'location_id',
  'storage_location',
  'allowed_persistence_regions',
  'data_locations',
]);

/** Parts of a resource that are not its configuration. */
const SKIPPED_KEYS = new Set(['//', 'depends_on', 'lifecycle', 'provisioner', 'connection', 'timeouts', 'provider']);

/**
 * Location attributes that only name where the thing they refer to lives: a grant's `location` is
 * the location of the resource it binds on, which is checked where that resource is declared.
 */
export function isGrantType(type: string): boolean {
  return /_iam_(member|binding|policy)$/.test(type);
}

/** Every location-bearing string in a resource's values. */
export function locationsOf(r: SynthesizedResource): LocationValue[] {
  const out: LocationValue[] = [];
  const walk = (value: unknown, path: string, key: string | undefined) => {
    if (typeof value === 'string') {
      if (key !== undefined && LOCATION_KEYS.has(key)) out.push({ path, value });
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${path}[${i}]`, key));
      return;
    }
    if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (SKIPPED_KEYS.has(k)) continue;
        walk(v, path ? `${path}.${k}` : k, k);
      }
    }
  };
  walk(r.values, '', undefined);
  return out;
}

/**
 * A location written as a reference to another resource's location attribute names a location that
 * is checked on that resource; true for such values.
 */
export function isLocationReference(value: string): boolean {
  const refs = referencesIn(value);
  return (
    refs.length > 0 &&
    value === refs.map((r) => r.text).join('') &&
    refs.every((r) => /^(location|region|zone|location_id)$/.test(r.attribute))
  );
}

/**
 * Resources that store data somewhere Google chooses unless the resource names a location: the
 * attribute that must be set and what happens without it.
 */
export const LOCATION_REQUIRED: Readonly<Record<string, { readonly path: string; readonly otherwise: string }>> = {
  google_bigquery_dataset: { path: 'location', otherwise: 'BigQuery creates the dataset in the US multi-region' },
  google_pubsub_topic: {
    path: 'message_storage_policy.allowed_persistence_regions',
    otherwise: 'Pub/Sub stores messages in whichever region is nearest the publisher',
  },
  google_logging_project_bucket_config: { path: 'location', otherwise: 'the bucket is created in `global`' },
  google_logging_folder_settings: { path: 'storage_location', otherwise: 'new projects get `global` log buckets' },
  google_logging_organization_settings: { path: 'storage_location', otherwise: 'new projects get `global` log buckets' },
  google_firestore_database: { path: 'location_id', otherwise: 'the database cannot be placed' },
  google_storage_bucket: { path: 'location', otherwise: 'the bucket cannot be placed' },
  google_artifact_registry_repository: { path: 'location', otherwise: 'the repository lands in the provider region' },
  google_kms_key_ring: { path: 'location', otherwise: 'the key ring cannot be placed' },
};

/** Types whose only location is `global` and which hold no Customer Data (certificates for the load balancer). */
export const GLOBAL_ONLY_TYPES: Readonly<Record<string, string>> = {
  google_certificate_manager_certificate: 'a TLS certificate for the load balancer; it holds no Customer Data',
  google_certificate_manager_certificate_map: 'a certificate map for the load balancer; it holds no Customer Data',
  google_certificate_manager_certificate_map_entry: 'a certificate map entry for the load balancer; it holds no Customer Data',
  google_certificate_manager_dns_authorization: 'a DNS authorization for a certificate; it holds no Customer Data',
};
