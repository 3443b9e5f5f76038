import { ProjectIamAuditConfig } from '@cdktf/provider-google/lib/project-iam-audit-config';
import { bareTenantStack } from '../compliance/support';
import { createdProject, PROJECT_ID } from './fixtures';
import { checkStack, expectAccepted, expectRejected } from './support';

const LOGS = [{ logType: 'ADMIN_READ' }, { logType: 'DATA_READ' }, { logType: 'DATA_WRITE' }];

describe('DEP-AUDIT-SERVICE: Data Access audit configs name the service Google writes the logs under', () => {
  it('rejects Firestore Data Access logs configured under firestore.googleapis.com (issue 9, failure 8), with the service to use', () => {
    const { stack, env, tenant } = bareTenantStack();
    const { project } = createdProject(stack);
    new ProjectIamAuditConfig(stack, 'firestore', { project: PROJECT_ID, service: 'firestore.googleapis.com', auditLogConfig: LOGS, dependsOn: [project] });
    const outcome = checkStack('DEP-AUDIT-SERVICE', stack, env, tenant);
    expectRejected(outcome, 'DEP-AUDIT-SERVICE', stack.node.id, /google_project_iam_audit_config\.firestore .*firestore\.googleapis\.com/);
    expect(outcome.violations[0]).toContain('datastore.googleapis.com instead');
  });

  it('accepts them under datastore.googleapis.com', () => {
    const { stack, env, tenant } = bareTenantStack();
    const { project } = createdProject(stack);
    new ProjectIamAuditConfig(stack, 'datastore', { project: PROJECT_ID, service: 'datastore.googleapis.com', auditLogConfig: LOGS, dependsOn: [project] });
    expectAccepted(checkStack('DEP-AUDIT-SERVICE', stack, env, tenant));
  });
});
