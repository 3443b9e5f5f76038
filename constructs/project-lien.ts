/**
 * ProjectLien: a lien that refuses the deletion of a project while it stands
 * (cloud.google.com/resource-manager/docs/project-liens), whoever asks, the platform deployer
 * included. On the central audit log projects (the record must outlive an incident, LOG-2) and the
 * shared project (state, identities). Placing or lifting a lien needs
 * resourcemanager.projects.updateLiens, which no CI identity holds: an organization administrator
 * applies it (permission table, administratorOnly).
 */
import { Construct } from 'constructs';
import { ResourceManagerLien } from '@cdktf/provider-google/lib/resource-manager-lien';
import type { TenantProject } from './tenant-project';

export const LIEN_ORIGIN = 'smart-segments-platform';

export class ProjectLien extends Construct {
  readonly lien: ResourceManagerLien;

  constructor(scope: Construct, id: string, props: { readonly project: TenantProject; readonly reason: string }) {
    super(scope, id);
    const project = props.project.project;
    if (!project) throw new Error(`ProjectLien: ${props.project.projectId} is not created by this stack; place a lien only on a project it manages`);
    if (props.reason.trim().length === 0) throw new Error(`ProjectLien: ${props.project.projectId} needs a reason, shown to whoever tries the deletion`);
    this.lien = new ResourceManagerLien(this, 'lien', {
      // google/services/resourcemanager/resource_resource_manager_lien.go: parent is projects/<number>.
      parent: `projects/${project.number}`,
      restrictions: ['resourcemanager.projects.delete'],
      origin: LIEN_ORIGIN,
      reason: props.reason,
    });
  }
}
