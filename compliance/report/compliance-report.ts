/**
 * The compliance report (AUD-2): for every control of docs/controls.md, exactly once, its DPA clause, its
 * status overall and per stack, the resources that implement it, the rules that check it, the test
 * files that assert it, and any suppression with its reason; then an access map per tenant. Built
 * from the same evaluations the synthesis gate runs. Deterministic but for its generation metadata
 * (time, commit, tool: ./generation.ts), which the script passes in: sorted lists, no clock read here.
 * Rendered as Markdown, JSON and one self-contained HTML page (./compliance-html.ts).
 */
import type { EnvironmentConfig } from '../../config/loader';
import { isExpired, scopeRoles } from '../../config/support-access';
import type { ControlCatalogue } from '../controls';
import { contextFor, type StackEvaluation, type SuppressionRecord, type Violation } from '../engine';
import { ENVIRONMENT_CHECKS } from '../environment-checks';
import { roleDatasetDate } from '../../policy/iam-roles';
import { RULES } from '../pack';
import type { SynthesizedStack } from '../synthesized-stack';
import { buildAccessMap, type AccessMap } from './access-map';
import { describeGeneration, type GenerationMetadata } from './generation';
import type { RopaRecord } from './ropa-record';
import { STATUS_ORDER, worst, type ControlStatus } from './control-status';
import { stackControlStatus, type StackControlStatus } from './status';

export interface ControlReport {
  readonly id: string;
  readonly dpaClause: string;
  readonly requirement: string;
  readonly status: ControlStatus;
  /** One line saying why, for the summary table. */
  readonly summary: string;
  readonly rules: ReadonlyArray<{
    readonly id: string;
    readonly severity: string;
    readonly explanation: string;
    readonly appliesTo: readonly string[];
  }>;
  /** Environment-level check, for controls kept by generated documents. */
  readonly environmentCheck?: { readonly explanation: string; readonly status: ControlStatus; readonly detail: string };
  readonly stacks: ReadonlyArray<Omit<StackControlStatus, 'control'>>;
  /** `<stack>: <address>` of every implementing resource, plus files for environment checks. */
  readonly evidence: readonly string[];
  readonly tests: readonly string[];
  readonly suppressions: readonly SuppressionRecord[];
}

export interface ComplianceReport {
  readonly environment: string;
  /** When, from which commit and with which tool the report was generated; null when built without (tests). */
  readonly generated: GenerationMetadata | null;
  readonly controlsSource: string;
  readonly roleDatasetDate: string;
  readonly stacks: readonly string[];
  readonly counts: Readonly<Record<ControlStatus, number>>;
  readonly controls: readonly ControlReport[];
  readonly violations: readonly Violation[];
  readonly suppressions: readonly SuppressionRecord[];
  /** Every support grant of the environment's tenant files (IAM-5), with its reason, scope and expiry. */
  readonly supportAccess: readonly SupportAccessEntry[];
  readonly accessMaps: readonly AccessMap[];
}

export interface SupportAccessEntry {
  readonly tenant: string;
  readonly scope: string;
  readonly roles: readonly string[];
  readonly granted: string;
  readonly until: string;
  readonly reason: string;
  /** At the report's generation time; without one (tests), `in force` is judged at the grant's own time. */
  readonly state: 'in force' | 'expired';
}

/** The environment's support grants, tenant by tenant, as of `at`. */
export function supportAccessEntries(environment: EnvironmentConfig, at: string | undefined): SupportAccessEntry[] {
  return environment.tenants.flatMap((t) =>
    t.supportAccess.map((g) => ({
      tenant: t.id,
      scope: g.scope,
      roles: scopeRoles(g.scope),
      granted: g.granted,
      until: g.until,
      reason: g.reason,
      state: at !== undefined && isExpired(g, new Date(at)) ? ('expired' as const) : ('in force' as const),
    })),
  );
}

export interface ReportInput {
  readonly environment: EnvironmentConfig;
  readonly catalogue: ControlCatalogue;
  readonly stacks: readonly SynthesizedStack[];
  readonly evaluations: readonly StackEvaluation[];
  readonly records: readonly RopaRecord[];
  readonly tests: ReadonlyMap<string, readonly string[]>;
  readonly generated?: GenerationMetadata;
}

function summarize(
  status: ControlStatus,
  stacks: ReadonlyArray<{ stack: string; status: ControlStatus; reasons: readonly string[] }>,
  env?: { detail: string },
): string {
  const counts = new Map<ControlStatus, number>();
  for (const s of stacks) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  const perStack = STATUS_ORDER.filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s}`)
    .join(', ');
  if (env) return env.detail;
  if (status === 'not yet implemented' && stacks.every((s) => s.status === 'not yet implemented'))
    return stacks[0]?.reasons[0] ?? 'no rule checks this control yet';
  return perStack;
}

export function buildComplianceReport(input: ReportInput): ComplianceReport {
  const { environment, catalogue, evaluations } = input;
  const ids = catalogue.controls.map((c) => c.id);
  const perStack = evaluations.map((e) => stackControlStatus(e, ids));
  const envChecks = new Map(ENVIRONMENT_CHECKS.map((c) => [c.control, c]));
  const checkContext = { environment, stacks: input.stacks, evaluations, catalogue, records: input.records, tests: input.tests };
  const controls: ControlReport[] = catalogue.controls.map((control, i) => {
    const stacks = perStack.map((s) => s[i]).map(({ control: _c, ...rest }) => rest);
    const rules = RULES.filter((r) => r.control === control.id).map((r) => ({
      id: r.id,
      severity: r.severity,
      explanation: r.explanation,
      appliesTo: r.appliesTo,
    }));
    const check = envChecks.get(control.id);
    const envResult = check?.check(checkContext);
    const status = envResult ? envResult.status : rules.length === 0 ? 'not yet implemented' : worst(stacks.map((s) => s.status));
    const suppressions = evaluations.flatMap((e) => e.suppressions).filter((s) => s.rule.split('/')[0] === control.id);
    return {
      id: control.id,
      dpaClause: control.dpaClause,
      requirement: control.requirement,
      status,
      summary: summarize(status, stacks, envResult),
      rules,
      environmentCheck:
        envResult && check ? { explanation: check.explanation, status: envResult.status, detail: envResult.detail } : undefined,
      stacks: envResult ? [] : stacks,
      evidence: envResult ? [...envResult.evidence] : stacks.flatMap((s) => s.evidence.map((a) => `${s.stack}: ${a}`)),
      tests: [...(input.tests.get(control.id) ?? [])],
      suppressions,
    };
  });
  const counts = { pass: 0, fail: 0, suppressed: 0, 'not applicable': 0, 'not yet implemented': 0 } as Record<ControlStatus, number>;
  for (const c of controls) counts[c.status]++;
  const accessMaps = evaluations
    .filter((e) => e.kind === 'tenant')
    .map((e) => buildAccessMap(contextFor(input.stacks.find((s) => s.name === e.stack)!, [environment])));
  return {
    environment: environment.name,
    generated: input.generated ?? null,
    controlsSource: catalogue.source,
    roleDatasetDate: roleDatasetDate(),
    stacks: evaluations.map((e) => e.stack),
    counts,
    controls,
    violations: evaluations.flatMap((e) => e.violations),
    suppressions: evaluations.flatMap((e) => e.suppressions),
    supportAccess: supportAccessEntries(environment, input.generated?.generatedAt),
    accessMaps,
  };
}

/** The reading guide of the report (Markdown emphasis), shared by the Markdown and the HTML page. */
export const HOW_TO_READ =
  'How to read it: **pass** means a rule checked the synthesized infrastructure and found resources that keep the control and none that break it; **FAIL** means a resource breaks it (synthesis refuses such a change); **suppressed** means a resource breaks it with a written, reviewed reason; **not applicable** means nothing in this environment is subject to it; _not yet implemented_ means the infrastructure or the check does not exist yet, which is never counted as passing.';

const ICON: Record<ControlStatus, string> = {
  pass: 'pass',
  fail: '**FAIL**',
  suppressed: 'suppressed',
  'not applicable': 'not applicable',
  'not yet implemented': '_not yet implemented_',
};

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const anchor = (id: string) => id.toLowerCase();

export function renderComplianceMarkdown(r: ComplianceReport): string {
  const out: string[] = [
    `# Compliance report: environment \`${r.environment}\``,
    '',
    `Every control of the Smart Segments DPA control catalogue (${r.controlsSource}), checked against the Terraform that \`cdktf synth\` produces for the ${r.stacks.length} stacks of this environment. Generated by \`npm run compliance -- --env ${r.environment}\`; do not edit by hand.`,
    '',
    ...(r.generated ? [describeGeneration(r.generated), ''] : []),
    HOW_TO_READ,
    '',
    `Totals: ${(['pass', 'fail', 'suppressed', 'not applicable', 'not yet implemented'] as ControlStatus[])
      .map((s) => `${r.counts[s]} ${s}`)
      .join(', ')}. IAM roles are checked against the role dataset of ${r.roleDatasetDate}.`,
    '',
    '## Summary',
    '',
    '| Control | DPA clause | Status | Across stacks | Tests |',
    '|---|---|---|---|---|',
    ...r.controls.map(
      (c) => `| [${c.id}](#${anchor(c.id)}) | ${cell(c.dpaClause)} | ${ICON[c.status]} | ${cell(c.summary)} | ${c.tests.length} |`,
    ),
    '',
  ];
  if (r.violations.length > 0) {
    out.push(
      '## Failures',
      '',
      ...r.violations.map((v) => `- \`${v.stack}\` \`${v.address}\`: ${v.ruleId} (DPA ${v.dpaClause}): ${v.problem} Fix: ${v.fix}`),
      '',
    );
  }
  out.push('## Suppressions', '');
  out.push(
    r.suppressions.length === 0
      ? 'None.'
      : [
          '| Stack | Resource | Rule | Reason | In use |',
          '|---|---|---|---|---|',
          ...r.suppressions.map(
            (s) =>
              `| ${s.stack} | \`${s.address}\` | ${s.rule} | ${cell(s.reason)} | ${s.used ? 'yes' : 'no (stale: nothing to suppress)'} |`,
          ),
        ].join('\n'),
    '',
  );
  out.push('## Support access (IAM-5)', '');
  out.push(
    r.supportAccess.length === 0
      ? 'None: the support group holds no grant on any tenant.'
      : [
          '| Tenant | Scope | Roles | Granted | Until | State | Reason |',
          '|---|---|---|---|---|---|---|',
          ...r.supportAccess.map((g) => `| ${g.tenant} | ${g.scope} | ${g.roles.join(', ')} | ${g.granted} | ${g.until} | ${g.state} | ${cell(g.reason)} |`),
        ].join('\n'),
    '',
  );
  out.push('## Controls', '');
  for (const c of r.controls) {
    out.push(`<a id="${anchor(c.id)}"></a>`, `### ${c.id}: ${ICON[c.status]}`, '', `**DPA ${c.dpaClause}.** ${c.requirement}`, '');
    if (c.rules.length)
      out.push(
        'Checked by:',
        ...c.rules.map((x) => `- \`${x.id}\` (${x.severity}, ${x.appliesTo.join(' and ')} stacks): ${x.explanation}`),
        '',
      );
    if (c.environmentCheck)
      out.push(
        `Environment check: ${c.environmentCheck.explanation} Result: ${c.environmentCheck.status}: ${c.environmentCheck.detail}.`,
        '',
      );
    if (!c.rules.length && !c.environmentCheck) out.push('No rule checks this control yet.', '');
    if (c.stacks.length) {
      out.push('| Stack | Status | Detail |', '|---|---|---|');
      for (const s of c.stacks) {
        const detail =
          s.status === 'pass' || s.status === 'suppressed'
            ? `${s.evidence.length} resource${s.evidence.length === 1 ? '' : 's'}${
                s.suppressed.length ? `; suppressed: ${s.suppressed.map((x) => `${x.address} (${x.reason})`).join('; ')}` : ''
              }`
            : s.reasons.join('; ');
        out.push(`| ${s.stack} | ${ICON[s.status]} | ${cell(detail)} |`);
      }
      out.push('');
    }
    out.push(`Tests: ${c.tests.length ? c.tests.map((t) => `\`${t}\``).join(', ') : 'none'}.`, '');
    if (c.evidence.length) {
      out.push(
        `<details><summary>Implemented by ${c.evidence.length} resource${c.evidence.length === 1 ? '' : 's'}</summary>`,
        '',
        ...c.evidence.map((e) => `- \`${e}\``),
        '',
        '</details>',
        '',
      );
    }
  }
  out.push(
    '## Access maps',
    '',
    "Who can touch each customer's data: every principal, the role it holds and the resource it holds it on, read from the IAM resources of the tenant's synthesized stack. Principals are grouped by party (DPA Section 5).",
    '',
  );
  for (const m of r.accessMaps) {
    out.push(`### ${m.tenant}`, '', '```mermaid', m.mermaid, '```', '');
    out.push(
      `<details><summary>${m.entries.length} grants as a table</summary>`,
      '',
      '| Principal | Party | Role | Resource | Condition | Granted by |',
      '|---|---|---|---|---|---|',
      ...m.entries.map(
        (e) =>
          `| ${cell(e.principalShown)} | ${cell(e.party)} | ${e.role} | ${cell(e.resource)} | ${cell(
            [e.condition, e.note].filter(Boolean).join('; '),
          )} | \`${e.address}\` |`,
      ),
      '',
      '</details>',
      '',
    );
  }
  return `${out.join('\n')}\n`;
}

export function renderComplianceJson(r: ComplianceReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
