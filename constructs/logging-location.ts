/**
 * LoggingLocation: the folder's Cloud Logging settings, so the `_Default` and `_Required` log buckets
 * of every project created under it are stored in the folder's jurisdiction (RES-4, DPA 6.5, 10.3).
 * Without it they would be created in `global`, outside any residency promise. Tenant stacks name
 * the same location on their `_Default` bucket (LogRetention), so a mismatch fails the apply.
 */
import { Construct } from 'constructs';
import { dependable, type TerraformResource } from 'cdktf';
import { LoggingFolderSettings } from '@cdktf/provider-google/lib/logging-folder-settings';
import { jurisdictionRules, type Jurisdiction } from '../config/jurisdictions';

export interface LoggingLocationProps {
  /** The folder's numeric id (usually `google_folder.folder_id`); this resource takes the bare id, not `folders/<id>`. */
  readonly folderId: string;
  /** The jurisdiction whose log location applies (config/jurisdictions.ts `logLocation`). */
  readonly jurisdiction: Jurisdiction;
}

export class LoggingLocation extends Construct {
  readonly settings: LoggingFolderSettings;
  /** The Cloud Logging location new projects under the folder get. */
  readonly location: string;

  constructor(scope: Construct, id: string, props: LoggingLocationProps) {
    super(scope, id);
    this.location = jurisdictionRules(props.jurisdiction).logLocation;
    this.settings = new LoggingFolderSettings(this, 'settings', {
      folder: props.folderId,
      storageLocation: this.location,
    });
  }

  /**
   * Makes `project` (a google_project created under the folder) wait for these settings. Logging
   * creates a project's `_Default` and `_Required` buckets when the project is created, in the
   * location its parent's settings name at that moment; created earlier, they stay in `global`
   * (cloud.google.com/logging/docs/default-settings: "When you create new resources, those resources
   * inherit the default settings of their parent").
   */
  precede(project: TerraformResource): void {
    project.dependsOn = [...(project.dependsOn ?? []), dependable(this.settings)];
  }
}
