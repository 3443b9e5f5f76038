/** CI-1 (DPA Annex II 3): remote state per stack in the versioned, private state bucket; applies only from main. */
import { ci1ApplyFromMain, ci1RemoteState, ci1StateBucket } from '../../../../compliance/rules/ci-1-remote-state';
import type { TerraformJson } from '../../../../compliance/synthesized-stack';
import { ACME, TABLE_PLATFORM, stackJson, stackNameOf, type CheckTable } from '../table';

const BUCKET = TABLE_PLATFORM.stateBucket.name;
const REPO = TABLE_PLATFORM.ci.repository;
const tenantPrefix = `stacks/${stackNameOf({ name: '', json: {} })}`;
const platformPrefix = `stacks/${stackNameOf({ name: '', json: {}, kind: 'platform' })}`;
const gcs = (bucket: string, prefix: string) => ({ terraform: { backend: { gcs: { bucket, prefix } } } });
const LOCAL = { terraform: { backend: { local: { path: 'terraform.tfstate' } } } };
const topic = { google_pubsub_topic: { t: { name: 't', project: ACME.projectId } } };

const goodBucket = { name: BUCKET, location: 'EU', versioning: { enabled: true }, uniform_bucket_level_access: true, public_access_prevention: 'enforced' };
const platform = (resource: TerraformJson['resource'], backend: Omit<TerraformJson, 'resource'> = gcs(BUCKET, platformPrefix)) => stackJson(resource ?? {}, backend);
const bucket = (overrides: Record<string, unknown>) => platform({ google_storage_bucket: { state: { ...goodBucket, ...overrides } } });
const provider = (attribute_condition?: string) =>
  platform({ google_iam_workload_identity_pool_provider: { apply: { workload_identity_pool_provider_id: 'apply', ...(attribute_condition === undefined ? {} : { attribute_condition }) } } });
const onMain = `assertion.repository == '${REPO}' && assertion.ref == 'refs/heads/main'`;

export const CI_1_TABLES: CheckTable[] = [
  {
    check: ci1RemoteState,
    violating: [
      { name: 'no backend (local default)', json: stackJson(topic), address: 'terraform.backend', problem: /^the stack's state is not in the state bucket \(backend: local default\)\.$/ },
      { name: 'another backend', json: stackJson(topic, { terraform: { backend: { s3: { bucket: BUCKET } } } }), problem: /\(backend: s3\)/ },
      { name: 'two backends, neither gcs', json: stackJson(topic, { terraform: { backend: { s3: {}, local: {} } } }), problem: /\(backend: s3, local\)/ },
      { name: 'a tenant stack with a local backend (only the platform bootstraps so)', json: stackJson(topic, LOCAL), problem: /\(backend: local\)/ },
      { name: 'another bucket', json: stackJson(topic, gcs('other-tfstate', tenantPrefix)), address: 'terraform.backend', problem: /^state is in gs:\/\/other-tfstate\/stacks\/tenant-tables-acme, not gs:\/\/ssx-tables-tfstate\/stacks\/tenant-tables-acme\.$/ },
      { name: "another stack's prefix", json: stackJson(topic, gcs(BUCKET, platformPrefix)), problem: /not gs:\/\/ssx-tables-tfstate\/stacks\/tenant-tables-acme/ },
      { name: 'platform: no backend at all', kind: 'platform', json: stackJson({}), problem: /\(backend: local default\)/ },
      { name: 'platform: the shared prefix', kind: 'platform', json: platform({}, gcs(BUCKET, 'stacks')) },
    ],
    compliant: [
      { name: "the tenant's own prefix", json: stackJson(topic, gcs(BUCKET, tenantPrefix)), evidence: /^terraform\.backend: state in gs:\/\/ssx-tables-tfstate\/stacks\/tenant-tables-acme$/ },
      { name: "the platform's own prefix", kind: 'platform', json: platform({}), evidence: new RegExp(`state in gs://${BUCKET}/${platformPrefix}$`) },
    ],
    inapplicable: [{ name: 'platform: first deployment with a local backend', kind: 'platform', json: stackJson({}, LOCAL), reason: /^first-deployment synthesis with a local backend/ }],
  },
  {
    check: ci1StateBucket,
    violating: [
      { name: 'no state bucket', kind: 'platform', json: platform({ google_storage_bucket: { other: { ...goodBucket, name: 'other' } } }), address: '(stack)', problem: /^the state bucket ssx-tables-tfstate is not declared\.$/ },
      { name: 'versioning off', kind: 'platform', json: bucket({ versioning: { enabled: false } }), address: 'google_storage_bucket.state', problem: /^versioning is off, so a bad state cannot be rolled back\.$/ },
      { name: 'no versioning block', kind: 'platform', json: bucket({ versioning: undefined }), problem: /^versioning is off/ },
      { name: 'outside the platform jurisdiction', kind: 'platform', json: bucket({ location: 'US' }), problem: /^location "US" is outside EEA\.$/ },
      { name: 'no location', kind: 'platform', json: bucket({ location: undefined }), problem: /^location undefined is outside EEA\.$/ },
      { name: 'uniform access off', kind: 'platform', json: bucket({ uniform_bucket_level_access: false }), problem: /^uniform bucket-level access is off\.$/ },
      { name: 'public access prevention inherited', kind: 'platform', json: bucket({ public_access_prevention: 'inherited' }), problem: /^public access prevention is not enforced\.$/ },
      { name: 'all four at once', kind: 'platform', json: bucket({ versioning: {}, location: 'us-east1', uniform_bucket_level_access: 'true', public_access_prevention: undefined }), problem: /rolled back; location "us-east1" is outside EEA; uniform bucket-level access is off; public access prevention is not enforced\./ },
    ],
    compliant: [
      { name: 'versioned, private, in EU', kind: 'platform', json: bucket({}), evidence: /^google_storage_bucket\.state: versioned, private state bucket in EU$/ },
      { name: 'in an EEA region', kind: 'platform', json: bucket({ location: 'europe-west1' }), evidence: /in europe-west1$/ },
    ],
    inapplicable: [{ name: 'first deployment with a local backend', kind: 'platform', json: stackJson({}, LOCAL), reason: /PLATFORM_STATE_BACKEND=local/ }],
  },
  {
    check: ci1ApplyFromMain,
    violating: [
      { name: 'no workload identity provider', kind: 'platform', json: platform({}), address: '(stack)', problem: /^no CI identity is limited to smart-segments\/platform at refs\/heads\/main/ },
      { name: 'a provider with no condition', kind: 'platform', json: provider() },
      { name: 'the repository without the branch (the plan provider)', kind: 'platform', json: provider(`assertion.repository == '${REPO}'`) },
      { name: 'the branch of another repository', kind: 'platform', json: provider(`assertion.repository == 'other/repo' && assertion.ref == 'refs/heads/main'`) },
      { name: 'main or anything', kind: 'platform', json: provider(`${onMain} || true`) },
      { name: 'another branch', kind: 'platform', json: provider(`assertion.repository == '${REPO}' && assertion.ref == 'refs/heads/dev'`) },
    ],
    compliant: [
      { name: 'the repository at main', kind: 'platform', json: provider(onMain), evidence: /^google_iam_workload_identity_pool_provider\.apply: applies only from smart-segments\/platform refs\/heads\/main$/ },
      { name: 'attribute.repository, double quotes', kind: 'platform', json: provider(`attribute.repository == "${REPO}" && assertion.ref == 'refs/heads/main'`) },
    ],
    inapplicable: [{ name: 'first deployment with a local backend', kind: 'platform', json: stackJson({}, LOCAL), reason: /before the state bucket exists/ }],
  },
];
