/**
 * Turns on Data Access audit logs (DATA_READ, DATA_WRITE, ADMIN_READ) for the services that hold
 * Customer Data (LOG-2), so reads of a tenant's data are on record. Admin Activity logs are always on.
 */
import { Construct } from 'constructs';
import { ProjectIamAuditConfig } from '@cdktf/provider-google/lib/project-iam-audit-config';
import { CUSTOMER_DATA_SERVICES, DATA_ACCESS_LOG_TYPES } from '../policy/audit-logs';
import type { TenantProject } from './tenant-project';

export interface DataAccessAuditLogsProps {
  readonly project: TenantProject;
  /** Default: CUSTOMER_DATA_SERVICES. */
  readonly services?: readonly string[];
}

export class DataAccessAuditLogs extends Construct {
  readonly services: readonly string[];

  constructor(scope: Construct, id: string, props: DataAccessAuditLogsProps) {
    super(scope, id);
    this.services = [...(props.services ?? CUSTOMER_DATA_SERVICES)].sort();
    for (const service of this.services) {
      new ProjectIamAuditConfig(this, service.split('.')[0], {
        project: props.project.projectId,
        service,
        auditLogConfig: DATA_ACCESS_LOG_TYPES.map((logType) => ({ logType })),
        // The project's IAM policy exists only once the project does. The Resource Manager API it
        // calls is billed to the caller's project (the provider sends no user project for it,
        // google/transport/config.go NewResourceManagerClient), so no API of this project is needed.
        dependsOn: props.project.project ? [props.project.project] : [],
      });
    }
  }
}
