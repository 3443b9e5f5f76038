/** BRE-1 tables: security contacts, contact domains, the project's secret-access alert, the central alerts. */
import {
  BREACH_SIGNALS,
  bre1CentralAlerts,
  bre1ContactDomains,
  bre1ProjectSecretAlert,
  bre1SecurityContacts,
} from '../../../../compliance/rules/bre-1-breach-detection';
import type { TerraformJson } from '../../../../compliance/synthesized-stack';
import { ACME, GLOBEX, TABLE_PLATFORM, stackJson, tableTenant, type CheckTable } from '../table';

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
/** The central metrics and alerts of every jurisdiction (or those given); `change` edits one metric or alert by key. */
function central(change: (key: string, metric: Record<string, unknown>, alert: Record<string, unknown>) => void = () => undefined, jurisdictions = JURISDICTIONS): TerraformJson {
  const metrics: Record<string, Record<string, unknown>> = {};
  const alerts: Record<string, Record<string, unknown>> = {};
  for (const j of jurisdictions)
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
/** A first deploy: platform.yaml names no tenant folder yet; the stack creates the EEA and UK folders. */
const FIRST_DEPLOY = { tenantFolders: {} };
function firstDeployCentral(): TerraformJson {
  const c = central(undefined, ['eea', 'uk']);
  return stackJson({ ...c.resource, google_folder: { eea: { display_name: 'tables-eea' }, uk: { display_name: 'tables-uk' } } });
}
/** A second platform contact domain (the legal contact's), so lists of Smart Segments' domains have two entries. */
const TWO_DOMAINS = { contacts: { ...TABLE_PLATFORM.contacts, legal: 'legal@counsel.example' } };
const HOOLI = tableTenant({ id: 'hooli', displayName: 'Hooli' });
const INITECH = tableTenant({ id: 'initech', displayName: 'Initech' });
const twoWorkloads = tableTenant({ mcp: { enabled: true } });
const condition = (filter: string) => ({ condition_threshold: [{ filter }] });
const ourDomains = ['@smartsegments.example'];

export const BRE_1_TABLES: CheckTable[] = [
  {
    check: bre1SecurityContacts,
    violating: [
      { name: 'no essential contact', json: stackJson({}), address: '(stack)', problem: /security@acme\.example is not an essential contact for SECURITY notices/ },
      { name: "only the customer's contact", json: contacts({ acme: contact('security@acme.example') }), problem: /security@smartsegments\.example is not an essential contact/ },
      { name: 'a contact for billing notices only', json: contacts({ acme: contact('security@acme.example', ['BILLING']), ours: contact(OURS) }), problem: /security@acme\.example is not/ },
      { name: 'a contact of another project', json: contacts({ acme: { ...contact('security@acme.example'), parent: 'projects/other' }, ours: contact(OURS) }), problem: /security@acme\.example is not/ },
      { name: 'a contact with no notification categories', json: contacts({ acme: { parent: `projects/${pid}`, email: 'security@acme.example' }, ours: contact(OURS) }), problem: /security@acme\.example is not an essential contact/ },
    ],
    compliant: [
      { name: 'both contacts, one for ALL, the other upper-case', json: contacts({ acme: contact('Security@Acme.example'), ours: contact(OURS, ['ALL']) }), evidence: /security@smartsegments\.example receives SECURITY notices/ },
      { name: 'SECURITY among other categories', json: contacts({ acme: contact('security@acme.example', ['BILLING', 'SECURITY']), ours: contact(OURS) }), evidence: /^google_essential_contacts_contact\.acme: security@acme\.example receives SECURITY notices for ssx-acme$/ },
    ],
    inapplicable: [{ name: "the customer's own project", tenant: customerProject, json: stackJson({}), reason: /the customer's own project/ }],
  },
  {
    check: bre1ContactDomains,
    violating: [
      { name: "the customer's contact with no domain policy", json: contacts({ acme: contact('security@acme.example') }), address: 'google_essential_contacts_contact.acme', problem: /has the domain acme\.example, which .* does not admit/ },
      { name: 'the policy admitting a foreign domain', json: admitted(domainPolicy(`projects/${pid}`, ['@acme.example', '@evil.example'])), address: 'google_org_policy_policy.domains', problem: /admits \["evil\.example"\], beyond/ },
      { name: 'the policy admitting every domain', json: admitted(domainPolicy(`projects/${pid}`, 'all')), problem: /admits every domain/, fix: /^admit only acme\.example, smartsegments\.example \(EssentialContacts\)\.$/ },
      { name: "an is: prefix not at the start is no prefix", json: admitted(domainPolicy(`projects/${pid}`, ['@is:acme.example'])), address: 'google_org_policy_policy.domains', problem: /admits \["is:acme\.example"\]/ },
      { name: 'an @ not at the start is no prefix', json: admitted(domainPolicy(`projects/${pid}`, ['acme.example@'])), address: 'google_org_policy_policy.domains', problem: /admits \["acme\.example@"\]/ },
      {
        name: 'two project policies, one not inheriting: our contact refused',
        json: contacts({ ours: contact(OURS) }, { google_org_policy_policy: { a: domainPolicy(`projects/${pid}`, ['@acme.example']), b: domainPolicy(`projects/${pid}`, ['@acme.example'], false) } }),
        address: 'google_essential_contacts_contact.ours',
      },
      {
        name: "our contact refused: the problem names every folder domain",
        platform: TWO_DOMAINS,
        json: admitted(domainPolicy(`projects/${pid}`, ['@acme.example'], false)),
        address: 'google_essential_contacts_contact.ours',
        problem: /its folder admits only counsel\.example, smartsegments\.example, so the contact is refused/,
      },
      { name: 'the contact not waiting for the policy', json: admitted(undefined, contact('security@acme.example')), address: 'google_essential_contacts_contact.acme', problem: /does not wait for google_org_policy_policy\.domains/ },
      { name: 'a project policy replacing the folder: our contact refused', json: admitted(domainPolicy(`projects/${pid}`, ['@acme.example'], false)), address: 'google_essential_contacts_contact.ours', problem: /security@smartsegments\.example has the domain smartsegments\.example/ },
      { name: "a folder admitting a tenant's domain", kind: platform, json: stackJson({ google_org_policy_policy: { f: domainPolicy('folders/100000000001', [...ourDomains, '@acme.example']) } }), problem: /a tenant's domain there is admitted for every project of the folder/ },
      { name: 'a folder admitting every domain', kind: platform, json: stackJson({ google_org_policy_policy: { f: domainPolicy('folders/100000000001', 'all') } }), problem: /admits every domain; a folder must admit exactly/ },
      {
        name: 'a folder without our domain',
        kind: platform,
        json: stackJson({ google_org_policy_policy: { f: domainPolicy('folders/100000000001', []) } }),
        problem: /^essentialcontacts\.allowedContactDomains on folders\/100000000001 admits \[\]; a folder must admit exactly Smart Segments' domains \["smartsegments\.example"\]; without smartsegments\.example the folder's own security contacts are refused\.$/,
        fix: /^set it to @smartsegments\.example \(OrganizationPolicies\) and admit tenants' domains on their projects \(EssentialContacts\)\.$/,
      },
      {
        name: "a folder admitting our domain and a tenant's: no missing domain named",
        kind: platform,
        json: stackJson({ google_org_policy_policy: { f: domainPolicy('folders/100000000001', [...ourDomains, '@acme.example']) } }),
        problem: /\["smartsegments\.example"\]: a tenant's domain there is admitted for every project of the folder, and changes the platform stack with each tenant\.$/,
      },
      {
        name: 'a folder missing both of two platform domains: both named, both in the fix',
        kind: platform,
        platform: TWO_DOMAINS,
        json: stackJson({ google_org_policy_policy: { f: domainPolicy('folders/100000000001', []) } }),
        problem: /; without counsel\.example, smartsegments\.example the folder's own security contacts are refused\.$/,
        fix: /^set it to @counsel\.example, @smartsegments\.example \(OrganizationPolicies\)/,
      },
      { name: 'a folder value with is: not at the start', kind: platform, json: stackJson({ google_org_policy_policy: { f: domainPolicy('folders/100000000001', ['@is:smartsegments.example']) } }), address: 'google_org_policy_policy.f' },
      { name: 'a folder value with @ not at the start', kind: platform, json: stackJson({ google_org_policy_policy: { f: domainPolicy('folders/100000000001', ['smartsegments.example@']) } }), address: 'google_org_policy_policy.f' },
    ],
    compliant: [
      { name: "the customer's domain admitted on the project, the contact waiting", json: admitted(), evidence: /google_org_policy_policy\.domains: .* admits acme\.example for security@acme\.example/ },
      { name: 'our contact inheriting the folder', json: admitted(), evidence: /google_essential_contacts_contact\.ours: .* admits smartsegments\.example/ },
      { name: 'our contact alone, no project policy', json: contacts({ ours: contact(OURS) }), evidence: /admits smartsegments\.example for security@smartsegments\.example/ },
      { name: "is: prefixed values", json: admitted(domainPolicy(`projects/${pid}`, ['is:acme.example'])), evidence: /admits acme\.example/ },
      {
        name: "another project's contact and policy, and another constraint on the project, are not judged here",
        json: contacts(
          { acme: customerContact, ours: contact(OURS), elsewhere: { parent: 'projects/other', email: 'x@evil.example', notification_category_subscriptions: ['SECURITY'] } },
          { google_org_policy_policy: { domains: domainPolicy(`projects/${pid}`, ['@acme.example']), other: domainPolicy('projects/other', ['@evil.example']), locations: { name: `projects/${pid}/policies/gcp.resourceLocations`, parent: `projects/${pid}`, spec: { rules: [{ values: { allowed_values: ['in:eu-locations'] } }] } } } },
        ),
        evidence: /google_org_policy_policy\.domains: ssx-acme admits acme\.example for security@acme\.example/,
        absent: /evil\.example/,
      },
      {
        name: 'our domain also listed on the project: our contact inherits it and need not wait',
        json: contacts({ acme: customerContact, ours: contact(OURS) }, { google_org_policy_policy: { domains: domainPolicy(`projects/${pid}`, ['@acme.example', '@smartsegments.example']) } }),
        evidence: /ssx-acme admits smartsegments\.example for security@smartsegments\.example/,
      },
      { name: 'a folder admitting exactly our domain', kind: platform, json: stackJson({ google_org_policy_policy: { f: domainPolicy('folders/100000000001', ['is:@SmartSegments.example']) } }), evidence: /folders\/100000000001 admits only Smart Segments' contact domains/ },
      {
        name: 'another list constraint on the folder is not judged here',
        kind: platform,
        json: stackJson({ google_org_policy_policy: { f: domainPolicy('folders/100000000001', ourDomains), locations: { name: 'folders/100000000001/policies/gcp.resourceLocations', parent: 'folders/100000000001', spec: { rules: [{ values: { allowed_values: ['in:eu-locations'] } }] } } } }),
        evidence: /folders\/100000000001 admits only/,
      },
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
      { name: 'an alert to a channel outside the stack', json: secretAlert({}, alertPolicy(pid, 'secret-reads', ['projects/ssx-acme/notificationChannels/123'])), problem: /does not notify/ },
      { name: 'an email channel without labels', json: secretAlert({}, undefined, { sec: { type: 'email' } }), problem: /does not notify/ },
      { name: 'an alert naming another metric by reference', json: secretAlert({}, { ...alertPolicy(pid, 'x'), conditions: [condition('metric.type="logging.googleapis.com/user/${google_logging_metric.other.name}"')] }), address: 'google_logging_metric.m', problem: /no alert policy in ssx-acme fires on its secret-access metric/ },
      { name: 'an alert naming a resource of another type with the same name', json: secretAlert({}, { ...alertPolicy(pid, 'x'), conditions: [condition('metric.type="logging.googleapis.com/user/${google_logging_project_bucket_config.m.name}"')] }), problem: /no alert policy in ssx-acme fires/ },
      { name: 'a metric missing both own accounts (both named)', tenant: twoWorkloads, json: secretAlert(), problem: /excludes exactly its own workload accounts \(ingest-webhook, mcp-endpoint\)\.$/ },
      { name: "a metric naming two other tenants' projects (both named)", others: [GLOBEX, INITECH], json: secretAlert({ filter: `${ownFilter} AND NOT "@${GLOBEX.projectId}[.]" AND NOT "projects/${INITECH.projectId}/"` }), problem: /names other tenants' projects \(ssx-globex, ssx-initech\)\.$/ },
    ],
    compliant: [
      { name: 'metric, alert and channel', json: secretAlert(), evidence: /google_monitoring_alert_policy\.a: .*another project's workload reading a secret alerts security@smartsegments\.example/ },
      { name: 'an alert with a condition that is no threshold, and one naming the metric', json: secretAlert({}, { ...alertPolicy(pid, 'x'), conditions: [{ condition_absent: [{ filter: 'x' }] }, condition('metric.type="logging.googleapis.com/user/secret-reads"')] }), evidence: /another project's workload reading a secret alerts/ },
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
      {
        name: 'a filter naming four tenant projects: three shown',
        kind: platform,
        others: [GLOBEX, HOOLI, INITECH],
        json: central((k, m) => { if (k === 'eea-2') m.filter = `${String(m.filter)} AND NOT "projects/ssx-acme/" AND NOT "projects/ssx-globex/" AND NOT "projects/ssx-hooli/" AND NOT "projects/ssx-initech/"`; }),
        problem: /names tenant projects \(ssx-acme, ssx-globex, ssx-hooli, \.\.\.\): it grows/,
      },
      {
        name: 'a filter naming three tenant projects: all shown',
        kind: platform,
        others: [GLOBEX, HOOLI, INITECH],
        json: central((k, m) => { if (k === 'eea-2') m.filter = `${String(m.filter)} AND NOT "projects/ssx-acme/" AND NOT "projects/ssx-globex/" AND NOT "projects/ssx-hooli/"`; }),
        problem: /names tenant projects \(ssx-acme, ssx-globex, ssx-hooli\): it grows/,
      },
      { name: 'first deploy: a folder the stack creates has no central metrics', kind: platform, platform: FIRST_DEPLOY, json: stackJson({ ...central(undefined, ['eea']).resource, google_folder: { eea: { display_name: 'tables-eea' }, uk: { display_name: 'tables-uk' } } }), problem: /no log-based metric in ssx-audit-uk counts IAM policy changes for UK/ },
    ],
    compliant: [
      { name: 'every jurisdiction and signal alerted', kind: platform, json: central(), evidence: /google_monitoring_alert_policy\.au-1: AU: service account key creation attempts alert security@smartsegments\.example/ },
      { name: 'first deploy: the folders the stack creates, and only those, judged', kind: platform, platform: FIRST_DEPLOY, json: firstDeployCentral(), evidence: /google_monitoring_alert_policy\.uk-0: UK: IAM policy changes alert/ },
      {
        name: 'only the IAM change filter must watch every principal',
        kind: platform,
        json: central((k, m) => { if (k === 'eea-1') m.filter = `${String(m.filter)} AND NOT protoPayload.authenticationInfo.principalEmail="ci-platform@ssx-platform.iam.gserviceaccount.com"`; }),
        evidence: /google_monitoring_alert_policy\.eea-1: EEA: service account key creation attempts alert/,
      },
    ],
    inapplicable: [{ name: 'no tenant jurisdiction folder yet', kind: platform, platform: FIRST_DEPLOY, json: stackJson({}), reason: /^no tenant jurisdiction folder$/ }],
  },
];
