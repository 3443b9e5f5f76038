/** BRE-1 tables: security contacts, contact domains, the project's secret-access alert, the central alerts. */
import {
  BREACH_SIGNALS,
  bre1CentralAlerts,
  bre1ContactDomains,
  bre1ProjectSecretAlert,
  bre1SecurityContacts,
} from '../../../../compliance/rules/bre-1-breach-detection';
import type { TerraformJson } from '../../../../compliance/synthesized-stack';
import { ACME, GLOBEX, stackJson, tableTenant, type CheckTable } from '../table';

const pid = ACME.projectId;
const OURS = 'security@smartsegments.example';
const contact = (email: string, categories: string[] = ['SECURITY'], extra: Record<string, unknown> = {}) => ({ parent: `projects/${pid}`, email, notification_category_subscriptions: categories, ...extra });
const contacts = (entries: Record<string, Record<string, unknown>>, rest: Record<string, Record<string, Record<string, unknown>>> = {}) =>
  stackJson({ google_essential_contacts_contact: entries, ...rest });
const domainPolicy = (parent: string, allowed: string[] | 'all', inherit = true) => ({
  name: `${parent}/policies/essentialcontacts.allowedContactDomains`,
  parent,
  spec: { inherit_from_parent: inherit, rules: [allowed === 'all' ? { allow_all: 'TRUE' } : { values: { allowed_values: allowed } }] },
});
const customerContact = contact('security@acme.example', ['SECURITY'], { depends_on: ['google_org_policy_policy.domains'] });
const admitted = (policy = domainPolicy(`projects/${pid}`, ['@acme.example']), acme: Record<string, unknown> = customerContact) =>
  contacts({ acme, ours: contact(OURS) }, { google_org_policy_policy: { domains: policy } });

const channel = { sec: { project: pid, type: 'email', labels: { email_address: OURS } } };
const ownFilter = `protoPayload.methodName:"AccessSecretVersion" AND NOT protoPayload.authenticationInfo.principalEmail=~"^(ingest-webhook)@${pid}[.]iam[.]gserviceaccount[.]com$"`;
const alertPolicy = (project: string, metric: string, channels = ['${google_monitoring_notification_channel.sec.id}']) => ({
  project,
  conditions: [{ condition_threshold: [{ filter: `metric.type="logging.googleapis.com/user/${metric}"` }] }],
  notification_channels: channels,
});
const secretAlert = (metric: Record<string, unknown> = {}, alert: Record<string, unknown> | null = alertPolicy(pid, 'secret-reads'), channels: Record<string, unknown> = channel) =>
  stackJson({
    google_logging_metric: { m: { project: pid, name: 'secret-reads', filter: ownFilter, ...metric } },
    ...(alert ? { google_monitoring_alert_policy: { a: alert } } : {}),
    google_monitoring_notification_channel: channels as Record<string, Record<string, unknown>>,
  });
const customerProject = tableTenant({ warehouse: { mode: 'customer', projectId: 'acme-own-warehouse', provisionedBy: 'customer' } });

const JURISDICTIONS = ['eea', 'uk', 'ch', 'au'];
/** The central metrics and alerts of every jurisdiction; `change` edits one metric or alert by key. */
function central(change: (key: string, metric: Record<string, unknown>, alert: Record<string, unknown>) => void = () => undefined): TerraformJson {
  const metrics: Record<string, Record<string, unknown>> = {};
  const alerts: Record<string, Record<string, unknown>> = {};
  for (const j of JURISDICTIONS)
    BREACH_SIGNALS.forEach((signal, i) => {
      const key = `${j}-${i}`;
      const project = `ssx-audit-${j}`;
      metrics[key] = { project, name: `breach-${key}`, filter: `protoPayload.methodName:"${signal.needle}"` };
      alerts[key] = alertPolicy(project, `breach-${key}`, ['${google_monitoring_notification_channel.sec.id}']);
      change(key, metrics[key], alerts[key]);
    });
  return stackJson({ google_logging_metric: metrics, google_monitoring_alert_policy: alerts, google_monitoring_notification_channel: { sec: { type: 'email', labels: { email_address: OURS } } } });
}
const platform = 'platform' as const;
const ourDomains = ['@smartsegments.example'];

export const BRE_1_TABLES: CheckTable[] = [
  {
    check: bre1SecurityContacts,
    violating: [
      { name: 'no essential contact', json: stackJson({}), address: '(stack)', problem: /security@acme\.example is not an essential contact for SECURITY notices/ },
      { name: "only the customer's contact", json: contacts({ acme: contact('security@acme.example') }), problem: /security@smartsegments\.example is not an essential contact/ },
      { name: 'a contact for billing notices only', json: contacts({ acme: contact('security@acme.example', ['BILLING']), ours: contact(OURS) }), problem: /security@acme\.example is not/ },
      { name: 'a contact of another project', json: contacts({ acme: { ...contact('security@acme.example'), parent: 'projects/other' }, ours: contact(OURS) }), problem: /security@acme\.example is not/ },
    ],
    compliant: [{ name: 'both contacts, one for ALL, the other upper-case', json: contacts({ acme: contact('Security@Acme.example'), ours: contact(OURS, ['ALL']) }), evidence: /security@smartsegments\.example receives SECURITY notices/ }],
    inapplicable: [{ name: "the customer's own project", tenant: customerProject, json: stackJson({}), reason: /the customer's own project/ }],
  },
  {
    check: bre1ContactDomains,
    violating: [
      { name: "the customer's contact with no domain policy", json: contacts({ acme: contact('security@acme.example') }), address: 'google_essential_contacts_contact.acme', problem: /has the domain acme\.example, which .* does not admit/ },
      { name: 'the policy admitting a foreign domain', json: admitted(domainPolicy(`projects/${pid}`, ['@acme.example', '@evil.example'])), address: 'google_org_policy_policy.domains', problem: /admits \["evil\.example"\], beyond/ },
      { name: 'the policy admitting every domain', json: admitted(domainPolicy(`projects/${pid}`, 'all')), problem: /admits every domain/ },
      { name: 'the contact not waiting for the policy', json: admitted(undefined, contact('security@acme.example')), address: 'google_essential_contacts_contact.acme', problem: /does not wait for google_org_policy_policy\.domains/ },
      { name: 'a project policy replacing the folder: our contact refused', json: admitted(domainPolicy(`projects/${pid}`, ['@acme.example'], false)), address: 'google_essential_contacts_contact.ours', problem: /security@smartsegments\.example has the domain smartsegments\.example/ },
      { name: "a folder admitting a tenant's domain", kind: platform, json: stackJson({ google_org_policy_policy: { f: domainPolicy('folders/100000000001', [...ourDomains, '@acme.example']) } }), problem: /a tenant's domain there is admitted for every project of the folder/ },
      { name: 'a folder admitting every domain', kind: platform, json: stackJson({ google_org_policy_policy: { f: domainPolicy('folders/100000000001', 'all') } }), problem: /admits every domain; a folder must admit exactly/ },
      { name: 'a folder without our domain', kind: platform, json: stackJson({ google_org_policy_policy: { f: domainPolicy('folders/100000000001', []) } }), problem: /without smartsegments\.example the folder's own security contacts are refused/ },
    ],
    compliant: [
      { name: "the customer's domain admitted on the project, the contact waiting", json: admitted(), evidence: /google_org_policy_policy\.domains: .* admits acme\.example for security@acme\.example/ },
      { name: 'our contact inheriting the folder', json: admitted(), evidence: /google_essential_contacts_contact\.ours: .* admits smartsegments\.example/ },
      { name: 'our contact alone, no project policy', json: contacts({ ours: contact(OURS) }), evidence: /admits smartsegments\.example for security@smartsegments\.example/ },
      { name: "is: prefixed values", json: admitted(domainPolicy(`projects/${pid}`, ['is:acme.example'])), evidence: /admits acme\.example/ },
      { name: 'a folder admitting exactly our domain', kind: platform, json: stackJson({ google_org_policy_policy: { f: domainPolicy('folders/100000000001', ['is:@SmartSegments.example']) } }), evidence: /folders\/100000000001 admits only Smart Segments' contact domains/ },
    ],
    inapplicable: [
      { name: 'a project with no contact and no policy', json: stackJson({}), reason: /has no essential contact and no essentialcontacts\.allowedContactDomains policy/ },
      { name: 'a platform stack with no folder policy', kind: platform, json: stackJson({}), reason: /no folder or organization sets/ },
      { name: 'a project policy in the platform stack is not a folder policy', kind: platform, json: stackJson({ google_org_policy_policy: { p: domainPolicy('projects/x', 'all') } }), reason: /no folder or organization sets/ },
      { name: "the customer's own project", tenant: customerProject, json: contacts({ acme: contact('security@acme.example') }), reason: /the customer's own project/ },
    ],
  },
  {
    check: bre1ProjectSecretAlert,
    violating: [
      { name: 'no secret-access metric', json: stackJson({}), address: '(stack)', problem: /no project-level log-based metric in .* counts secret reads/ },
      { name: 'a metric on a log bucket, not the project', json: secretAlert({ bucket_name: 'b' }), address: '(stack)', problem: /no project-level log-based metric/ },
      { name: 'a metric in another project', json: secretAlert({ project: 'other' }), problem: /no project-level log-based metric/ },
      { name: 'a metric missing the own accounts', json: secretAlert({ filter: 'protoPayload.methodName:"AccessSecretVersion"' }), address: 'google_logging_metric.m', problem: /excludes exactly its own workload accounts \(ingest-webhook\)/ },
      { name: 'a metric naming the account without the project', json: secretAlert({ filter: 'protoPayload.methodName:"AccessSecretVersion" AND NOT ingest-webhook@other' }), problem: /excludes exactly its own workload accounts/ },
      { name: "a metric naming another tenant's project", json: secretAlert({ filter: `${ownFilter} AND NOT "@${GLOBEX.projectId}[.]"` }), problem: new RegExp(`names other tenants' projects \\(${GLOBEX.projectId}\\)`) },
      { name: 'no alert on the metric', json: secretAlert({}, null), problem: /no alert policy in .* fires on its secret-access metric/ },
      { name: 'an alert in another project', json: secretAlert({}, alertPolicy('other', 'secret-reads')), problem: /no alert policy/ },
      { name: 'an alert on another metric', json: secretAlert({}, alertPolicy(pid, 'other-metric')), problem: /no alert policy/ },
      { name: 'an alert notifying someone else', json: secretAlert({}, undefined, { sec: { type: 'email', labels: { email_address: 'ops@smartsegments.example' } } }), address: 'google_monitoring_alert_policy.a', problem: /does not notify the security contact security@smartsegments\.example/ },
      { name: 'an alert to a non-email channel', json: secretAlert({}, undefined, { sec: { type: 'sms', labels: { email_address: OURS } } }), problem: /does not notify/ },
      { name: 'an alert without channels', json: secretAlert({}, { ...alertPolicy(pid, 'secret-reads'), notification_channels: undefined }), problem: /does not notify/ },
    ],
    compliant: [
      { name: 'metric, alert and channel', json: secretAlert(), evidence: /google_monitoring_alert_policy\.a: .*another project's workload reading a secret alerts security@smartsegments\.example/ },
      { name: 'an alert naming the metric by reference', json: secretAlert({}, { ...alertPolicy(pid, 'x'), conditions: [{ condition_threshold: [{ filter: 'metric.type="logging.googleapis.com/user/${google_logging_metric.m.name}"' }] }] }) },
      { name: 'a tenant without workloads: no own account to list', tenant: tableTenant({ sources: [] }), json: secretAlert({ filter: 'protoPayload.methodName:"AccessSecretVersion"' }) },
    ],
    inapplicable: [{ name: "the customer's own project", tenant: customerProject, json: stackJson({}), reason: /the customer's own project/ }],
  },
  {
    check: bre1CentralAlerts,
    violating: [
      { name: 'no central metric', kind: platform, json: stackJson({}), address: '(stack)', problem: /no log-based metric in ssx-audit-eea counts IAM policy changes for EEA/ },
      { name: 'the UK key-creation metric in the wrong project', kind: platform, json: central((k, m) => { if (k === 'uk-1') m.project = 'ssx-platform'; }), problem: /no log-based metric in ssx-audit-uk counts service account key creation attempts for UK/ },
      { name: 'a filter naming tenant projects', kind: platform, json: central((k, m) => { if (k === 'eea-2') m.filter = `${String(m.filter)} AND NOT "projects/${ACME.projectId}/" AND NOT "projects/${GLOBEX.projectId}/"`; }), address: 'google_logging_metric.eea-2', problem: /the unexpected secret access filter for EEA names tenant projects/ },
      { name: 'no alert on a metric', kind: platform, json: central((k, _m, a) => { if (k === 'ch-0') a.project = 'elsewhere'; }), address: 'google_logging_metric.ch-0', problem: /no alert policy fires on IAM policy changes for CH/ },
      { name: 'an alert without the security channel', kind: platform, json: central((k, _m, a) => { if (k === 'au-2') a.notification_channels = []; }), address: 'google_monitoring_alert_policy.au-2', problem: /the unexpected secret access alert does not notify the security contact/ },
      { name: 'an IAM change filter leaving out the deployer', kind: platform, json: central((k, m) => { if (k === 'eea-0') m.filter = `${String(m.filter)} AND NOT (protoPayload.authenticationInfo.principalEmail="ci-platform@ssx-platform.iam.gserviceaccount.com")`; }), address: 'google_logging_metric.eea-0', problem: /the IAM policy changes filter for EEA leaves out some principals/ },
      { name: 'no key-destruction metric', kind: platform, json: central((k, m) => { if (k === 'ch-5') m.filter = 'protoPayload.methodName:"GetCryptoKeyVersion"'; }), problem: /no log-based metric in ssx-audit-ch counts key version destruction for CH/ },
    ],
    compliant: [{ name: 'every jurisdiction and signal alerted', kind: platform, json: central(), evidence: /google_monitoring_alert_policy\.au-1: AU: service account key creation attempts alert security@smartsegments\.example/ }],
  },
];
