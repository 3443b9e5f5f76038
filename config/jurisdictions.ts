/**
 * The one table that maps a tenant's jurisdiction to where its data may live (RES-1, RES-3).
 * Constructs, org policies, rules and scripts all read it; nobody types a region elsewhere.
 */

import { didYouMean } from './did-you-mean';

export const JURISDICTIONS = ['EEA', 'UK', 'CH', 'AU'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

export interface JurisdictionRules {
  /** Value of the `data-residency` label on every labelable resource (ISO-3). */
  readonly residencyLabel: string;
  /** Single regions that keep data inside the jurisdiction. */
  readonly regions: readonly string[];
  /** Region used when a tenant names none (onboarding). */
  readonly defaultRegion: string;
  /** Multi-region for BigQuery and Cloud Storage, when the jurisdiction has one. */
  readonly storageMultiRegion?: string;
  /** Firestore multi-region, when the jurisdiction has one. */
  readonly firestoreMultiRegion?: string;
  /** Cloud Logging bucket location (log buckets accept `eu` but not `eur3`). */
  readonly logLocation: string;
  /**
   * Cloud KMS multi-region whose keys protect the jurisdiction's multi-region stores (ENC-2): the
   * BigQuery `EU` dataset and the Firestore `eur3` database need a key in KMS `europe`, and a Pub/Sub
   * topic that may store messages in any region of the jurisdiction needs a key that covers them all.
   * Absent when Cloud KMS has no multi-region inside the jurisdiction: keys are then regional.
   */
  readonly kmsMultiRegion?: string;
  /** Allowed values of the `gcp.resourceLocations` org policy on this jurisdiction's folder (RES-2). */
  readonly orgPolicyLocations: readonly string[];
  /** Why these locations, for the compliance report and records of processing. */
  readonly note: string;
}

/**
 * EEA means EU member-state regions only (DPA 6.5, Annex II 13). Sources: Google Cloud
 * "Cloud locations" and the `in:eu-locations` value group. London (europe-west2) and
 * Zurich (europe-west6) are in Europe but not in the EU, so they are not EEA regions here.
 */
export const JURISDICTION_RULES: Readonly<Record<Jurisdiction, JurisdictionRules>> = {
  EEA: {
    residencyLabel: 'eu',
    regions: [
      'europe-west1', // Belgium
      'europe-west3', // Germany (Frankfurt)
      'europe-west4', // Netherlands
      'europe-west8', // Italy (Milan)
      'europe-west9', // France (Paris)
      'europe-west10', // Germany (Berlin)
      'europe-west12', // Italy (Turin)
      'europe-southwest1', // Spain (Madrid)
      'europe-central2', // Poland (Warsaw)
      'europe-north1', // Finland
      'europe-north2', // Sweden (Stockholm)
    ],
    defaultRegion: 'europe-west1',
    storageMultiRegion: 'EU',
    firestoreMultiRegion: 'eur3',
    logLocation: 'eu',
    kmsMultiRegion: 'europe',
    orgPolicyLocations: ['in:eu-locations'],
    note: 'EU member-state regions and the EU multi-regions (EU, eur3) only; London and Zurich are excluded.',
  },
  UK: {
    residencyLabel: 'uk',
    regions: ['europe-west2'], // London
    defaultRegion: 'europe-west2',
    logLocation: 'europe-west2',
    orgPolicyLocations: ['in:europe-west2-locations'],
    note: 'London (europe-west2) is the only Google Cloud region in the United Kingdom.',
  },
  CH: {
    residencyLabel: 'ch',
    regions: ['europe-west6'], // Zurich
    defaultRegion: 'europe-west6',
    logLocation: 'europe-west6',
    orgPolicyLocations: ['in:europe-west6-locations'],
    note: 'Zurich (europe-west6) is the only Google Cloud region in Switzerland.',
  },
  AU: {
    residencyLabel: 'au',
    regions: ['australia-southeast1', 'australia-southeast2'], // Sydney, Melbourne
    defaultRegion: 'australia-southeast1',
    logLocation: 'australia-southeast1',
    orgPolicyLocations: ['in:australia-southeast1-locations', 'in:australia-southeast2-locations'],
    note: 'Sydney (australia-southeast1) and Melbourne (australia-southeast2).',
  },
};

export function jurisdictionRules(jurisdiction: Jurisdiction): JurisdictionRules {
  return JURISDICTION_RULES[jurisdiction];
}

/** Every location a resource of this jurisdiction may name, lower-cased (regions, multi-regions, zones excluded). */
export function allowedLocations(jurisdiction: Jurisdiction): readonly string[] {
  const rules = JURISDICTION_RULES[jurisdiction];
  return [
    ...rules.regions,
    ...(rules.storageMultiRegion ? [rules.storageMultiRegion] : []),
    ...(rules.firestoreMultiRegion ? [rules.firestoreMultiRegion] : []),
    ...(rules.kmsMultiRegion ? [rules.kmsMultiRegion] : []),
    rules.logLocation,
  ].map((l) => l.toLowerCase()).filter((l, i, all) => all.indexOf(l) === i);
}

/**
 * True when `location` (a region, a zone of an allowed region, or a multi-region, any case)
 * keeps data inside the jurisdiction.
 */
export function isLocationAllowed(jurisdiction: Jurisdiction, location: string): boolean {
  const wanted = location.toLowerCase();
  const allowed = allowedLocations(jurisdiction);
  if (allowed.includes(wanted)) return true;
  // A zone such as europe-west1-b belongs to its region.
  const zone = /^([a-z]+-[a-z]+\d+)-[a-z]$/.exec(wanted);
  return zone !== null && allowed.includes(zone[1]);
}

/**
 * The Cloud KMS location whose keys may encrypt data stored in `dataLocations` (ENC-2): a single
 * region's own location, or the jurisdiction's KMS multi-region for a storage or Firestore
 * multi-region or for data spread over several of its regions (BigQuery `EU` and Firestore `eur3`
 * take keys in KMS `europe`; see kmsMultiRegion). Undefined when no one KMS location covers them,
 * for example two Australian regions: Cloud KMS has no Australian multi-region.
 */
export function kmsLocationFor(jurisdiction: Jurisdiction, dataLocations: readonly string[]): string | undefined {
  const rules = JURISDICTION_RULES[jurisdiction];
  const wanted = [...new Set(dataLocations.map((l) => l.toLowerCase()))];
  if (wanted.length === 0 || !wanted.every((l) => isLocationAllowed(jurisdiction, l))) return undefined;
  if (wanted.length === 1 && rules.regions.includes(wanted[0])) return wanted[0];
  return rules.kmsMultiRegion;
}

/** True when a key in KMS location `kmsLocation` matches data stored in `dataLocations` (ENC-2). */
export function kmsLocationMatches(jurisdiction: Jurisdiction, kmsLocation: string, dataLocations: readonly string[]): boolean {
  const expected = kmsLocationFor(jurisdiction, dataLocations);
  return expected !== undefined && expected === kmsLocation.toLowerCase();
}

/** The jurisdiction whose label value is `label`, if any. */
export function jurisdictionForResidencyLabel(label: string): Jurisdiction | undefined {
  return JURISDICTIONS.find((j) => JURISDICTION_RULES[j].residencyLabel === label);
}

/**
 * Every Google Cloud region, so that a misspelled one (`europe-wset3`) is called unknown, with the
 * closest name, rather than outside a jurisdiction. Source: Google Cloud "Geography and regions"
 * (https://cloud.google.com/about/locations). A region Google adds later is refused as unknown
 * until it is listed here, as it would be outside every jurisdiction until a jurisdiction lists it.
 */
export const GOOGLE_CLOUD_REGIONS: readonly string[] = [
  'africa-south1',
  'asia-east1', 'asia-east2', 'asia-northeast1', 'asia-northeast2', 'asia-northeast3',
  'asia-south1', 'asia-south2', 'asia-southeast1', 'asia-southeast2',
  'australia-southeast1', 'australia-southeast2',
  'europe-central2', 'europe-north1', 'europe-north2', 'europe-southwest1',
  'europe-west1', 'europe-west2', 'europe-west3', 'europe-west4', 'europe-west6', 'europe-west8',
  'europe-west9', 'europe-west10', 'europe-west12',
  'me-central1', 'me-central2', 'me-west1',
  'northamerica-northeast1', 'northamerica-northeast2', 'northamerica-south1',
  'southamerica-east1', 'southamerica-west1',
  'us-central1', 'us-east1', 'us-east4', 'us-east5', 'us-south1', 'us-west1', 'us-west2', 'us-west3', 'us-west4',
];

/**
 * Why a tenant may not use `region` in `jurisdiction` (RES-3), or undefined when it may: an unknown
 * region is named as such, with the closest region, before the jurisdiction is considered.
 */
export function tenantRegionProblem(jurisdiction: Jurisdiction, region: string): string | undefined {
  const regions = JURISDICTION_RULES[jurisdiction].regions;
  if (!GOOGLE_CLOUD_REGIONS.includes(region)) {
    // The jurisdiction's own regions first: the slip is most likely one of them.
    const suggestion = didYouMean(region, [...regions, ...GOOGLE_CLOUD_REGIONS]);
    return `region "${region}" is not a Google Cloud region${suggestion}; regions of ${jurisdiction}: ${regions.join(', ')}`;
  }
  if (!isLocationAllowed(jurisdiction, region) || !regions.includes(region)) {
    return `region "${region}" is outside jurisdiction ${jurisdiction} (RES-3); allowed: ${regions.join(', ')}`;
  }
  return undefined;
}
