/**
 * The resource types that read-modify-write a project's allow policy (google/services/resourcemanager
 * v6.50.0: the project IAM updater, the audit-config member, the default service accounts' DEPRIVILEGE,
 * the member removal). google_project_iam_member_remove sets the policy without the provider's
 * per-project lock or a retry (resource_google_project_iam_member_remove.go, Create), so it runs after
 * every other one of its project (constructs/tenant-project.ts; checked by DEP-POLICY-ORDER).
 */
export const PROJECT_POLICY_WRITERS: ReadonlySet<string> = new Set([
  'google_project_iam_member',
  'google_project_iam_binding',
  'google_project_iam_policy',
  'google_project_iam_audit_config',
  'google_project_default_service_accounts',
  'google_project_iam_member_remove',
]);

export const PROJECT_MEMBER_REMOVAL = 'google_project_iam_member_remove';
