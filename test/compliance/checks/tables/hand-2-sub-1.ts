/** HAND-2 (DPA A.7) and SUB-1 (DPA 5, Annex III): a customer's own project, and who may be granted anything. */
import { PROJECT_WIDE_TYPES, hand2ImpliedServiceAccounts, hand2NoProjectWideChange } from '../../../../compliance/rules/hand-2-customer-project';
import { sub1AdmittedPrincipals, sub1DbtScope } from '../../../../compliance/rules/sub-1-admitted-principals';
import { ACME, stackJson, tableTenant, type CheckTable } from '../table';

const customerProject = tableTenant({ warehouse: { mode: 'customer', projectId: 'acme-own-warehouse', provisionedBy: 'customer' } });
const topic = stackJson({ google_pubsub_topic: { t: { name: 't' } } });
const account = (accountId: string) => stackJson({ google_service_account: { sa: { account_id: accountId } } });

const grant = (member: string, role = 'roles/pubsub.subscriber', extra: Record<string, Record<string, Record<string, unknown>>> = {}) =>
  stackJson({ google_project_iam_member: { g: { project: ACME.projectId, role, member } }, ...extra });
const dbt = `serviceAccount:dbt-transform@${ACME.projectId}.iam.gserviceaccount.com`;

export const HAND_2_SUB_1_TABLES: CheckTable[] = [
  {
    check: hand2NoProjectWideChange,
    violating: [
      { name: 'enables an API in the customer project', tenant: customerProject, json: stackJson({ google_project_service: { bq: { service: 'bigquery.googleapis.com' } } }), address: 'google_project_service.bq', problem: /^google_project_service enables or disables an API for the whole project in the customer's own project acme-own-warehouse\./ },
      { name: 'creates the project', tenant: customerProject, json: stackJson({ google_project: { p: { project_id: 'acme-own-warehouse' } } }), address: 'google_project.p' },
      // Every project-wide type, each with its own reason (the list is the check's knowledge).
      ...Object.entries(PROJECT_WIDE_TYPES).map(([type, why]) => ({
        name: `${type} ${why}`,
        tenant: customerProject,
        json: stackJson({ [type]: { x: {} } }),
        address: `${type}.x`,
        problem: new RegExp(`^${type} ${why.replace(/[()]/g, '\\$&')} in the customer's own project acme-own-warehouse\\.`),
      })),
      { name: 'an authoritative binding beside a harmless topic', tenant: customerProject, json: stackJson({ google_pubsub_topic: { t: { name: 't' } }, google_project_iam_binding: { b: { role: 'roles/viewer', members: [] } } }), address: 'google_project_iam_binding.b' },
    ],
    compliant: [
      { name: 'only a topic', tenant: customerProject, json: topic, evidence: /^\(stack\): no project, API, audit, logging or policy change in acme-own-warehouse/ },
      { name: 'nothing but a service account', tenant: customerProject, json: account('dbt-transform') },
    ],
    inapplicable: [{ name: 'a project Smart Segments owns may be changed', json: stackJson({ google_project_service: { bq: { service: 'bigquery.googleapis.com' } } }), reason: /provisions and owns this project/ }],
  },
  {
    check: hand2ImpliedServiceAccounts,
    violating: [
      { name: 'an account the config does not imply', tenant: customerProject, json: account('extra-robot'), address: 'google_service_account.sa', problem: /service account extra-robot is not implied by the tenant config \(expected only [a-z-]+(, [a-z-]+)+\)\./ },
      { name: 'one implied, one not', tenant: customerProject, json: stackJson({ google_service_account: { ok: { account_id: 'dbt-transform' }, bad: { account_id: 'conversion-push' } } }), address: 'google_service_account.bad' },
    ],
    compliant: [{ name: "dbt's account", tenant: customerProject, json: account('dbt-transform'), evidence: /dbt-transform: implied by test\/acme\.yaml/ }],
    inapplicable: [
      { name: 'no service account', tenant: customerProject, json: topic, reason: /creates no service account/ },
      { name: "Smart Segments' own project", json: account('extra-robot'), reason: /provisions and owns/ },
    ],
  },
  {
    check: sub1AdmittedPrincipals,
    violating: [
      { name: 'a foreign service account', json: grant('serviceAccount:robot@elsewhere-123.iam.gserviceaccount.com'), address: 'google_project_iam_member.g', problem: /^roles\/pubsub\.subscriber is granted to serviceAccount:robot@elsewhere-123\.iam\.gserviceaccount\.com: .*neither this tenant's nor the platform's/ },
      { name: 'a group of an unknown domain', json: grant('group:ops@unknown.example') },
    ],
    compliant: [
      { name: "a Smart Segments group", json: grant('group:ops@smartsegments.example'), evidence: /google_project_iam_member\.g: group:ops@smartsegments\.example/ },
      { name: 'the register is shown as evidence', json: grant(`serviceAccount:relay@${ACME.projectId}.iam.gserviceaccount.com`), evidence: /^config\/subprocessors\.ts: the Annex III register as code: google-cloud, dbt-labs/ },
      { name: 'a public member is left to IAM-6', json: grant('allUsers') },
    ],
    inapplicable: [{ name: 'no grant', json: topic, reason: /the stack grants nothing/ }],
  },
  {
    check: sub1DbtScope,
    violating: [
      { name: 'dbt as project editor of BigQuery data', json: grant(dbt, 'roles/bigquery.dataEditor'), address: 'google_project_iam_member.g', problem: /^dbt Labs' account holds roles\/bigquery\.dataEditor on project ssx-acme/ },
      { name: 'dbt as job user on a dataset', json: stackJson({ google_bigquery_dataset_iam_member: { g: { dataset_id: 'ds', role: 'roles/bigquery.jobUser', member: dbt } } }) },
      { name: 'dbt as data editor on a topic', json: stackJson({ google_pubsub_topic_iam_member: { g: { topic: 't', role: 'roles/bigquery.dataEditor', member: dbt } } }) },
      { name: 'dbt as admin of a dataset', json: stackJson({ google_bigquery_dataset_iam_member: { g: { dataset_id: 'ds', role: 'roles/bigquery.admin', member: dbt } } }) },
    ],
    compliant: [
      { name: 'dbt runs jobs in the project', json: grant(dbt, 'roles/bigquery.jobUser'), evidence: /roles\/bigquery\.jobUser on project/ },
      { name: 'dbt edits a dataset', json: stackJson({ google_bigquery_dataset_iam_member: { g: { dataset_id: 'ds', role: 'roles/bigquery.dataEditor', member: dbt } } }) },
      { name: 'dbt edits a table', json: stackJson({ google_bigquery_table_iam_member: { g: { dataset_id: 'ds', table_id: 't', role: 'roles/bigquery.dataEditor', member: dbt } } }) },
    ],
    inapplicable: [{ name: 'grants to others only', json: grant('group:ops@smartsegments.example', 'roles/owner'), reason: /grants nothing to dbt/ }],
  },
];
