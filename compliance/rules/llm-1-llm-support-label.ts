/**
 * LLM-1 (DPA Annex II 14): the customer's choice on LLM-assisted support is recorded in its config
 * (llmSupport, required by the schema), on its project as the `llm-support` label, and in the
 * records of processing (scripts/ropa.ts). This rule checks the label against the config.
 */
import { managesProject } from '../scope';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable } from '../rule';

export const LLM_SUPPORT_LABEL = 'llm-support';

export const llm1LlmSupportLabel = defineCheck({
  id: 'LLM-1/llm-support-label',
  explanation: "The tenant project's llm-support label equals the customer's recorded choice (allowed or restricted).",
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    if (!managesProject(tenant)) {
      return [
        notApplicable(
          `the customer's own project cannot carry our label (HAND-2); the choice "${tenant.llmSupport}" is recorded in ${tenant.sourceFile} and the records of processing`,
        ),
      ];
    }
    const project = ctx.stack.ofType('google_project').find((p) => p.values.project_id === tenant.projectId);
    if (!project)
      return [
        nonCompliant(
          STACK_ADDRESS,
          'the tenant project is not in the stack, so its llm-support label cannot be set.',
          'build the project with TenantProject.',
        ),
      ];
    const value = (project.values.labels as Record<string, unknown> | undefined)?.[LLM_SUPPORT_LABEL];
    return [
      value === tenant.llmSupport
        ? compliant(project.address, `${LLM_SUPPORT_LABEL}=${tenant.llmSupport}, as ${tenant.sourceFile} records`)
        : nonCompliant(
            project.address,
            `the ${LLM_SUPPORT_LABEL} label is ${value === undefined ? 'missing' : JSON.stringify(value)}, but ${
              tenant.sourceFile
            } records "${tenant.llmSupport}".`,
            `label the project ${LLM_SUPPORT_LABEL}=${tenant.llmSupport}.`,
          ),
    ];
  },
});

/** The checks of LLM-1, in the order the report lists them. */
export const llm1LlmSupportLabelChecks = [llm1LlmSupportLabel] as const;
