/**
 * BRE-1 (DPA 8.1): breaches are noticed and the right people hear of them.
 *
 * - Platform stack, per jurisdiction's central audit log: alerts to the security contact on IAM
 *   policy changes by any principal (deployers included), service account key creation attempts,
 *   secret reads by a principal that is no tenant workload, audit trail and guardrail changes, key
 *   version destruction, secret versions added and project deletion; none of these filters names a tenant. Every managed folder admits exactly Smart
 *   Segments' contact domains (`essentialcontacts.allowedContactDomains`), never a tenant's.
 * - Tenant stack, in a project Smart Segments manages: the customer's and Smart Segments' security
 *   contacts receive SECURITY notices; every contact's domain is admitted on the project itself
 *   before the contact is created; and a project-level metric and alert on the project's own Secret
 *   Manager Data Access logs notify the security contact when a workload account of another project
 *   reads one of its secrets, listing only this tenant's own accounts.
 */
import { isOtherTenant, tenantsWithProject } from '../tenant-index';
import { JURISDICTIONS } from '../../config/jurisdictions';
import { platformContactDomains, tenantContactDomains, domainOfEmail } from '../../config/contact-domains';
import type { ResolvedTenant } from '../../config/loader';
import { auditLogProjectId, runtimeAccountIds } from '../../config/naming';
import { findTarget } from '../grants';
import { blocks } from '../json-blocks';
import { orgPoliciesOf } from '../org-policies';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding, type RuleContext } from '../rule';
import { jurisdictionOfFolderResource, managesProject } from '../scope';
import { dependsTransitivelyOn, referencesIn, type SynthesizedResource } from '../synthesized-stack';

/** The three central signals and a text each metric's filter must contain. */
export const BREACH_SIGNALS = [
  { name: 'IAM policy changes', needle: 'SetIamPolicy' },
  { name: 'service account key creation attempts', needle: 'CreateServiceAccountKey' },
  { name: 'unexpected secret access', needle: 'AccessSecretVersion' },
  { name: 'audit trail changes', needle: 'UpdateSink' },
  { name: 'guardrail changes', needle: 'WorkloadIdentityPoolProvider' },
  { name: 'key version destruction', needle: 'DestroyCryptoKeyVersion' },
  { name: 'secret versions added', needle: 'AddSecretVersion' },
  { name: 'project deletion', needle: 'DeleteProject' },
] as const;

/** A filter that leaves out some principals: the IAM change detector must watch every principal, the deployers too. */
const EXCLUDES_PRINCIPAL = /NOT\s*\(?\s*protoPayload\.authenticationInfo\.principalEmail/;

const CONTACT_DOMAINS = 'essentialcontacts.allowedContactDomains';
const SECRET_READ_NEEDLE = 'AccessSecretVersion';

/** The alert policy that fires on `metric` and its verdict: none, no security channel, or fine. */
function alertOn(ctx: RuleContext, metric: SynthesizedResource, platformSecurity: string): { alert?: SynthesizedResource; notifies: boolean } {
  const namesMetric = (filter: string) =>
    filter.includes(`logging.googleapis.com/user/${String(metric.values.name)}`) ||
    referencesIn(filter).some((r) => r.type === metric.type && r.name === metric.name);
  const alert = ctx.stack
    .ofType('google_monitoring_alert_policy')
    .find(
      (a) =>
        a.values.project === metric.values.project &&
        blocks(a.values.conditions).some((c) => namesMetric(String(blocks(c.condition_threshold)[0]?.filter ?? ''))),
    );
  const notifies =
    alert !== undefined &&
    ((alert.values.notification_channels as string[] | undefined) ?? []).some((ref) => {
      const ch = findTarget(ctx.stack, 'google_monitoring_notification_channel', ref);
      return (
        ch?.values.type === 'email' &&
        String((ch.values.labels as Record<string, unknown> | undefined)?.email_address ?? '').toLowerCase() === platformSecurity
      );
    });
  return { alert, notifies };
}

/** Another tenant's project named in a filter (`projects/<id>/` or `@<id>[.]`/`@<id>.`): a tenant list creeping back in. */
function otherTenantsNamed(filter: string, tenants: readonly ResolvedTenant[], self?: ResolvedTenant): string[] {
  // The project ids the filter names (`projects/<id>/`, `@<id>.` or `@<id>[.]`), looked up once each:
  // a search of the filter per tenant would make the check grow with the environment's size.
  const named = new Set([...filter.matchAll(/projects\/([a-z0-9-]+)\/|@([a-z0-9-]+)(?:\[\.\]|\.)/g)].map((m) => m[1] ?? m[2]));
  return [...named]
    .flatMap((id) => tenantsWithProject(tenants, id))
    .filter((e) => isOtherTenant(e.tenant, self))
    .sort((a, b) => a.order - b.order)
    .map((e) => e.tenant.projectId);
}

function securityContacts(ctx: RuleContext, tenant: ResolvedTenant, platformSecurity: string): Finding[] {
  const findings: Finding[] = [];
  const parent = `projects/${tenant.projectId}`;
  const contacts = ctx.stack.ofType('google_essential_contacts_contact').filter((c) => c.values.parent === parent);
  for (const email of [tenant.contacts.security.toLowerCase(), platformSecurity]) {
    const c = contacts.find(
      (x) =>
        String(x.values.email).toLowerCase() === email &&
        (x.values.notification_category_subscriptions as string[] | undefined)?.some((cat) => cat === 'SECURITY' || cat === 'ALL'),
    );
    findings.push(
      c
        ? compliant(c.address, `${email} receives SECURITY notices for ${tenant.projectId}`)
        : nonCompliant(STACK_ADDRESS, `${email} is not an essential contact for SECURITY notices of ${tenant.projectId}.`, 'add it with EssentialContacts.'),
    );
  }
  return findings;
}

function projectContactDomains(ctx: RuleContext, tenant: ResolvedTenant): Finding[] {
  const findings: Finding[] = [];
  const parent = `projects/${tenant.projectId}`;
  const contacts = ctx.stack.ofType('google_essential_contacts_contact').filter((c) => c.values.parent === parent);
  // Contact domains: the folder admits Smart Segments' only; the project admits its contacts' on top.
  const folderDomains = platformContactDomains(ctx.environment.platform);
  const mayAdmit = new Set([...folderDomains, ...tenantContactDomains(tenant)]);
  const policies = orgPoliciesOf(ctx).filter((p) => p.constraint === CONTACT_DOMAINS && p.parent === parent);
  const strip = (v: string) => v.replace(/^is:/, '').replace(/^@/, '').toLowerCase();
  for (const p of policies) {
    const extra = p.allowedValues.map(strip).filter((d) => !mayAdmit.has(d));
    if (p.allowAll || extra.length > 0) {
      findings.push(
        nonCompliant(
          p.address,
          `${CONTACT_DOMAINS} on ${tenant.projectId} admits ${p.allowAll ? 'every domain' : JSON.stringify(extra)}, beyond the tenant's contacts' and Smart Segments' domains.`,
          `admit only ${[...mayAdmit].sort().join(', ')} (EssentialContacts).`,
        ),
      );
    }
  }
  for (const c of contacts) {
    const email = String(c.values.email);
    const domain = domainOfEmail(email);
    const admitting = policies.find((p) => !p.allowAll && p.allowedValues.map(strip).includes(domain));
    const inherited = folderDomains.includes(domain) && (policies.length === 0 || policies.every((p) => p.inheritFromParent));
    if (!admitting && !inherited) {
      findings.push(
        nonCompliant(
          c.address,
          `the essential contact ${email} has the domain ${domain}, which ${tenant.projectId} does not admit: its folder admits only ${folderDomains.join(', ')}, so the contact is refused and receives no notice.`,
          `admit ${domain} on the project with ${CONTACT_DOMAINS} (inheritFromParent true, EssentialContacts).`,
        ),
      );
    } else if (admitting && !inherited && !dependsTransitivelyOn(ctx.stack, c, admitting.address)) {
      findings.push(
        nonCompliant(
          c.address,
          `the essential contact ${email} does not wait for ${admitting.address}, which admits its domain; on the first apply it can be refused.`,
          'make the contact depend on the project policy (EssentialContacts).',
        ),
      );
    } else {
      findings.push(compliant(admitting?.address ?? c.address, `${tenant.projectId} admits ${domain} for ${email}`));
    }
  }
  return findings.length > 0 ? findings : [notApplicable(`${tenant.projectId} has no essential contact and no ${CONTACT_DOMAINS} policy`)];
}

function projectSecretAlert(ctx: RuleContext, tenant: ResolvedTenant, platformSecurity: string): Finding[] {
  const findings: Finding[] = [];
  // Secret reads by another project's workload, counted in the project itself, listing only its own accounts.
  const own = runtimeAccountIds(tenant);
  const metrics = ctx.stack
    .ofType('google_logging_metric')
    .filter((m) => m.values.project === tenant.projectId && m.values.bucket_name === undefined && String(m.values.filter ?? '').includes(SECRET_READ_NEEDLE));
  const fits = (m: SynthesizedResource) => {
    const filter = String(m.values.filter);
    return own.every((id) => filter.includes(id)) && (own.length === 0 || filter.includes(`@${tenant.projectId}[.]iam[.]gserviceaccount[.]com`));
  };
  const metric = metrics.find(fits);
  if (!metric) {
    findings.push(
      nonCompliant(
        metrics[0]?.address ?? STACK_ADDRESS,
        metrics.length > 0
          ? `no secret-access metric in ${tenant.projectId} excludes exactly its own workload accounts (${own.join(', ') || 'none'}).`
          : `no project-level log-based metric in ${tenant.projectId} counts secret reads by another project's workloads.`,
        'add ProjectSecretAccessDetection to the tenant stack.',
      ),
    );
    return findings;
  }
  const others = otherTenantsNamed(String(metric.values.filter), ctx.tenants, tenant);
  if (others.length > 0) {
    findings.push(
      nonCompliant(metric.address, `the secret-access filter of ${tenant.projectId} names other tenants' projects (${others.join(', ')}).`, "list only this tenant's own accounts."),
    );
  }
  const { alert, notifies } = alertOn(ctx, metric, platformSecurity);
  if (!alert) findings.push(nonCompliant(metric.address, `no alert policy in ${tenant.projectId} fires on its secret-access metric.`, 'add an alert policy on the metric.'));
  else if (!notifies)
    findings.push(
      nonCompliant(alert.address, `the secret-access alert of ${tenant.projectId} does not notify the security contact ${platformSecurity}.`, 'add an email notification channel for contacts.security in the project.'),
    );
  else findings.push(compliant(alert.address, `${tenant.projectId}: another project's workload reading a secret alerts ${platformSecurity}`));
  return findings;
}

function centralAlerts(ctx: RuleContext, platformSecurity: string): Finding[] {
  const findings: Finding[] = [];
  const folders = ctx.stack.ofType('google_folder');
  const wanted = JURISDICTIONS.filter(
    (j) => ctx.environment.platform.tenantFolders[j] !== undefined || folders.some((f) => jurisdictionOfFolderResource(ctx, f) === j),
  );
  const metrics = ctx.stack.ofType('google_logging_metric');
  for (const j of wanted) {
    const project = auditLogProjectId(ctx.environment.platform, j);
    for (const signal of BREACH_SIGNALS) {
      const metric = metrics.find((m) => m.values.project === project && String(m.values.filter ?? '').includes(signal.needle));
      if (!metric) {
        findings.push(
          nonCompliant(STACK_ADDRESS, `no log-based metric in ${project} counts ${signal.name} for ${j}.`, `add BreachDetection on the ${j} central audit log.`),
        );
        continue;
      }
      const named = otherTenantsNamed(String(metric.values.filter), ctx.tenants);
      if (named.length > 0) {
        findings.push(
          nonCompliant(
            metric.address,
            `the ${signal.name} filter for ${j} names tenant projects (${named.slice(0, 3).join(', ')}${named.length > 3 ? ', ...' : ''}): it grows with the tenant list and breaks Cloud Logging's 20,000-character limit.`,
            "use a filter that needs no tenant list; a tenant's own expectations go in its stack (ProjectSecretAccessDetection).",
          ),
        );
      }
      if (signal.needle === 'SetIamPolicy' && EXCLUDES_PRINCIPAL.test(String(metric.values.filter))) {
        findings.push(
          nonCompliant(
            metric.address,
            `the ${signal.name} filter for ${j} leaves out some principals: a compromised deployer's grants would not alert.`,
            'watch every principal; name the expected deployers in the alert documentation (BreachDetection expectedIamChangers) instead of excluding them.',
          ),
        );
        continue;
      }
      const { alert, notifies } = alertOn(ctx, metric, platformSecurity);
      if (!alert) findings.push(nonCompliant(metric.address, `no alert policy fires on ${signal.name} for ${j}.`, 'add an alert policy on the metric.'));
      else if (!notifies)
        findings.push(
          nonCompliant(alert.address, `the ${signal.name} alert does not notify the security contact ${platformSecurity}.`, 'add an email notification channel for contacts.security.'),
        );
      else findings.push(compliant(alert.address, `${j}: ${signal.name} alert ${platformSecurity}`));
    }
  }
  return findings.length > 0 ? findings : [notApplicable('no tenant jurisdiction folder')];
}

function folderContactDomains(ctx: RuleContext): Finding[] {
  const findings: Finding[] = [];
  // Folder contact domains: exactly Smart Segments' own; a tenant's domains belong on its project.
  const own = platformContactDomains(ctx.environment.platform);
  for (const p of orgPoliciesOf(ctx).filter((x) => x.constraint === CONTACT_DOMAINS && x.parentKind !== 'project')) {
    const values = p.allowedValues.map((v) => v.replace(/^is:/, '').replace(/^@/, '').toLowerCase());
    const extra = values.filter((d) => !own.includes(d));
    const missing = own.filter((d) => !values.includes(d));
    if (p.allowAll || extra.length > 0 || missing.length > 0) {
      findings.push(
        nonCompliant(
          p.address,
          `${CONTACT_DOMAINS} on ${p.parent} ${p.allowAll ? 'admits every domain' : `admits ${JSON.stringify(values)}`}; a folder must admit exactly Smart Segments' domains ${JSON.stringify(own)}${extra.length > 0 ? ": a tenant's domain there is admitted for every project of the folder, and changes the platform stack with each tenant" : ''}${missing.length > 0 ? `; without ${missing.join(', ')} the folder's own security contacts are refused` : ''}.`,
          `set it to ${own.map((d) => `@${d}`).join(', ')} (OrganizationPolicies) and admit tenants' domains on their projects (EssentialContacts).`,
        ),
      );
    } else findings.push(compliant(p.address, `${p.parent} admits only Smart Segments' contact domains`));
  }
  return findings.length > 0 ? findings : [notApplicable(`no folder or organization sets ${CONTACT_DOMAINS}`)];
}

/** A tenant stack judges only a project Smart Segments manages. */
function unmanaged(tenant: ResolvedTenant): Finding[] | undefined {
  return managesProject(tenant)
    ? undefined
    : [notApplicable("the customer's own project (or one handed over to it): its essential contacts and monitoring are the customer's (HAND-1, HAND-2)")];
}

const securityOf = (ctx: RuleContext) => ctx.environment.platform.contacts.security.toLowerCase();

export const bre1CentralAlerts = defineCheck({
  id: 'BRE-1/central-alerts',
  explanation:
    "Each jurisdiction's central audit log alerts the security contact on IAM policy changes by any principal, key creation attempts, unexpected secret access, audit trail and guardrail changes, key version destruction, secret versions added and project deletion, with filters naming no tenant.",
  appliesTo: ['platform'],
  check: (ctx) => centralAlerts(ctx, securityOf(ctx)),
});

export const bre1ContactDomains = defineCheck({
  id: 'BRE-1/contact-domains',
  explanation:
    "Essential-contact domains are admitted where contacts are registered: a folder admits exactly Smart Segments' domains, a tenant project its contacts' on top, before the contact is created.",
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    if (ctx.kind === 'platform') return folderContactDomains(ctx);
    const tenant = ctx.tenant!;
    return unmanaged(tenant) ?? projectContactDomains(ctx, tenant);
  },
});

export const bre1SecurityContacts = defineCheck({
  id: 'BRE-1/security-contacts',
  explanation: "The customer's and Smart Segments' security contacts receive SECURITY notices for the tenant's project.",
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    return unmanaged(tenant) ?? securityContacts(ctx, tenant, securityOf(ctx));
  },
});

export const bre1ProjectSecretAlert = defineCheck({
  id: 'BRE-1/project-secret-alert',
  explanation:
    "A metric and alert on the tenant project's own Secret Manager logs notify the security contact when another project's workload reads one of its secrets.",
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    return unmanaged(tenant) ?? projectSecretAlert(ctx, tenant, securityOf(ctx));
  },
});

/** The checks of BRE-1, in the order the report lists them. */
export const bre1BreachDetectionChecks = [bre1SecurityContacts, bre1ContactDomains, bre1ProjectSecretAlert, bre1CentralAlerts] as const;
