/** Raw provider resources the deployability tests build their stacks from. */
import type { TerraformStack } from 'cdktf';
import { Project } from '@cdktf/provider-google/lib/project';
import { ProjectService } from '@cdktf/provider-google/lib/project-service';

export const PROJECT_ID = 'ssx-rule-test';

/** A project the stack creates, and the services it enables in it (each waiting for the project). */
export function createdProject(stack: TerraformStack, apis: readonly string[] = []): { project: Project; services: Record<string, ProjectService> } {
  const project = new Project(stack, 'project', { projectId: PROJECT_ID, name: PROJECT_ID, folderId: 'folders/123' });
  const services: Record<string, ProjectService> = {};
  for (const api of apis) {
    services[api] = new ProjectService(stack, `api-${api.split('.')[0]}`, { project: PROJECT_ID, service: api, dependsOn: [project] });
  }
  return { project, services };
}
