/**
 * A principal as the reports show it, with every value that is only known after deployment named
 * in words instead of a placeholder: a service agent's email holds its project's number, which
 * Google assigns when the project is created, so before the first apply it reads "the Pub/Sub
 * service agent of project ssx-acme (its email holds the project number, known once the project is
 * created)". Values the stack states are shown as they are.
 */
import { UNKNOWN_VALUE, type Principal } from '../principals';
import { referencesIn, type SynthesizedStack } from '../synthesized-stack';

/** Google product names of service agents, by API prefix (`pubsub.googleapis.com`) or agent domain (`gcp-sa-pubsub`). */
const SERVICE_NAMES: Readonly<Record<string, string>> = {
  pubsub: 'Pub/Sub',
  secretmanager: 'Secret Manager',
  run: 'Cloud Run',
  'serverless-robot-prod': 'Cloud Run',
  firestore: 'Firestore',
  bigquery: 'BigQuery',
  'bigquery-encryption': 'BigQuery',
  bigquerydatatransfer: 'BigQuery Data Transfer',
  storage: 'Cloud Storage',
  'gs-project-accounts': 'Cloud Storage',
  cloudkms: 'Cloud KMS',
  ekms: 'Cloud KMS',
  logging: 'Cloud Logging',
  cloudscheduler: 'Cloud Scheduler',
  artifactregistry: 'Artifact Registry',
  compute: 'Compute Engine',
  'compute-system': 'Compute Engine',
  cloudbuild: 'Cloud Build',
};

const AFTER_DEPLOYMENT = 'its email holds the project number, known once the project is created';

function serviceName(key: string): string {
  const k = key.replace(/\.googleapis\.com$/, '').replace(/^gcp-sa-/, '');
  return SERVICE_NAMES[k] ?? key;
}

/** A literal project id, or the one a `google_project` reference names, else `fallback`. */
function projectOf(stack: SynthesizedStack, value: unknown, fallback: string): string {
  if (typeof value === 'string' && !value.includes('${')) return value;
  const target = stack.resolveReference(value);
  const id = target?.type === 'google_project' ? target.values.project_id : undefined;
  return typeof id === 'string' && !id.includes('${') ? id : fallback;
}

/**
 * How the report names `principal` of `stack`; `project` is the project a reference without its
 * own project lives in (the tenant's).
 */
export function principalInWords(stack: SynthesizedStack, principal: Principal, project: string): string {
  const shown = principal.member;
  if (!shown.includes(UNKNOWN_VALUE) && !shown.includes('${')) return shown;
  const written = principal.written;
  const refs = referencesIn(written);
  const projectIn = (v: unknown) => `project ${projectOf(stack, v, project)}`;

  // A whole member from a service identity resource or a service-agent data source.
  if (refs.length === 1 && refs[0].text === written.replace(/^serviceAccount:/, '')) {
    const ref = refs[0];
    const block = (ref.mode === 'data' ? stack.json.data?.[ref.type]?.[ref.name] : stack.resources.find((r) => r.type === ref.type && r.name === ref.name)?.values) as
      | Record<string, unknown>
      | undefined;
    if (ref.type === 'google_project_service_identity' && block)
      return `the ${serviceName(String(block.service ?? 'Google'))} service agent of ${projectIn(block.project)} (${AFTER_DEPLOYMENT})`;
    if (ref.type === 'google_bigquery_default_service_account') return `the BigQuery service agent of ${projectIn(block?.project)} (${AFTER_DEPLOYMENT})`;
    if (ref.type === 'google_storage_project_service_account') return `the Cloud Storage service agent of ${projectIn(block?.project)} (${AFTER_DEPLOYMENT})`;
    if (/^google_logging_[a-z_]+_sink$/.test(ref.type))
      return `the writer identity of log sink ${String(block?.name ?? ref.name)} (Google creates it with the sink, at deployment)`;
  }
  // service-<project number>@<agent domain>: a service agent named by its project's number.
  const agent = /^serviceAccount:service-\$\{([^}]+)\}@([a-z0-9-]+)\.iam\.gserviceaccount\.com$/.exec(written);
  if (agent) {
    const ref = refs[0];
    const block = (ref.mode === 'data' ? stack.json.data?.[ref.type]?.[ref.name] : stack.resources.find((r) => r.type === ref.type && r.name === ref.name)?.values) as
      | Record<string, unknown>
      | undefined;
    const id = ref.type === 'google_project' ? projectOf(stack, block?.project_id, project) : project;
    return `the ${serviceName(agent[2])} service agent of project ${id} (${AFTER_DEPLOYMENT})`;
  }
  // Anything else: each reference named by what it refers to.
  let text = written;
  for (const ref of refs) text = text.replace(ref.text, `(the ${ref.attribute} of ${ref.mode === 'data' ? 'data.' : ''}${ref.type}.${ref.name}, known after deployment)`);
  return text;
}

/**
 * The member as the stack writes it, each Terraform reference shown as `reference(<address>.<attribute>)`
 * instead of interpolation syntax; undefined for a literal member.
 */
export function principalReference(written: string): string | undefined {
  const refs = referencesIn(written);
  if (refs.length === 0) return undefined;
  let text = written;
  for (const ref of refs) text = text.replace(ref.text, `reference(${ref.text.slice(2, -1)})`);
  return text;
}
