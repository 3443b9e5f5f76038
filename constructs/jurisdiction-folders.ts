/**
 * JurisdictionFolders: one folder per jurisdiction the environment serves (platform.yaml
 * `jurisdictions`), holding its tenant projects, one audit folder per jurisdiction holding its
 * central audit log project, and one for the platform's shared project (DPA 6.5). The audit
 * folders are apart from the tenant folders so that no tenant deployer, whose roles sit on its
 * tenant folder, can change or delete the audit trail that watches it (docs/security.md). A folder is the unit the residency and guardrail
 * policies attach to, so a project placed in the EEA folder cannot hold data outside the EU even
 * when created by hand.
 */
import { Construct } from 'constructs';
import { Folder } from '@cdktf/provider-google/lib/folder';
import { JURISDICTIONS, type Jurisdiction } from '../config/jurisdictions';

/** Folder display names: 3-30 letters, digits, spaces, hyphens or underscores, starting and ending with a letter or digit. */
const DISPLAY_NAME = /^[A-Za-z0-9][A-Za-z0-9 _-]{1,28}[A-Za-z0-9]$/;

export interface JurisdictionFoldersProps {
  /** `organizations/<id>` or `folders/<id>`: where the folders are created. */
  readonly parent: string;
  /** Environment name; it prefixes every display name so environments sharing an organization never collide. */
  readonly environment: string;
  /** Jurisdictions that get a tenant folder: the served ones. Must not be empty. */
  readonly jurisdictions: readonly Jurisdiction[];
  /**
   * Folder ids already recorded in platform.yaml (`tenantFolders`). When present, the folder carries
   * a postcondition that its id matches, so a wrong id in config fails the plan of an existing folder
   * (for a folder being created, the apply, once it exists) instead of sending tenant projects to
   * the wrong folder. Default: none recorded.
   */
  readonly recordedFolderIds?: Readonly<Partial<Record<Jurisdiction, string>>>;
}

export class JurisdictionFolders extends Construct {
  /** The folder of the platform's shared project (state, registry, CI identity). */
  readonly platform: Folder;
  /** Jurisdictions with a tenant folder, in the order of the jurisdiction table. */
  readonly jurisdictions: readonly Jurisdiction[];
  private readonly tenantFolders = new Map<Jurisdiction, Folder>();
  private readonly auditFolders = new Map<Jurisdiction, Folder>();
  private readonly parent: string;

  constructor(scope: Construct, id: string, props: JurisdictionFoldersProps) {
    super(scope, id);
    if (!/^(organizations|folders)\/\d+$/.test(props.parent)) {
      throw new Error(`JurisdictionFolders: parent "${props.parent}" must be "organizations/<id>" or "folders/<id>"`);
    }
    if (props.jurisdictions.length === 0) {
      throw new Error('JurisdictionFolders: at least one jurisdiction is required (the EEA folder always exists, RES-2)');
    }
    this.parent = props.parent;
    // Table order, not caller order: the same config always synthesizes the same JSON.
    this.jurisdictions = JURISDICTIONS.filter((j) => props.jurisdictions.includes(j));
    this.platform = this.folder('platform', `${props.environment}-platform`);
    for (const j of this.jurisdictions) {
      this.tenantFolders.set(j, this.folder(j.toLowerCase(), `${props.environment}-${j.toLowerCase()}`, props.recordedFolderIds?.[j], j));
    }
    for (const j of this.jurisdictions) {
      this.auditFolders.set(j, this.folder(`audit-${j.toLowerCase()}`, `${props.environment}-audit-${j.toLowerCase()}`));
    }
  }

  /** The folder holding tenant projects of `jurisdiction`. */
  folderOf(jurisdiction: Jurisdiction): Folder {
    const folder = this.tenantFolders.get(jurisdiction);
    if (!folder) throw new Error(`JurisdictionFolders: no folder for jurisdiction ${jurisdiction}; it is not served (platform.yaml jurisdictions)`);
    return folder;
  }

  /** The folder holding the central audit log project of `jurisdiction`. */
  auditFolderOf(jurisdiction: Jurisdiction): Folder {
    const folder = this.auditFolders.get(jurisdiction);
    if (!folder) throw new Error(`JurisdictionFolders: no audit folder for jurisdiction ${jurisdiction}; it is not served (platform.yaml jurisdictions)`);
    return folder;
  }

  /** Every folder this construct manages: platform first, then tenant folders, then audit folders, in table order. */
  get all(): ReadonlyArray<{ readonly key: string; readonly folder: Folder; readonly jurisdiction?: Jurisdiction; readonly audit?: boolean }> {
    return [
      { key: 'platform', folder: this.platform },
      ...this.jurisdictions.map((j) => ({ key: j.toLowerCase(), folder: this.folderOf(j), jurisdiction: j })),
      ...this.jurisdictions.map((j) => ({ key: `audit-${j.toLowerCase()}`, folder: this.auditFolderOf(j), jurisdiction: j, audit: true })),
    ];
  }

  private folder(id: string, displayName: string, recordedId?: string, jurisdiction?: Jurisdiction): Folder {
    if (!DISPLAY_NAME.test(displayName)) {
      throw new Error(
        `JurisdictionFolders: folder display name "${displayName}" is not valid (3-30 letters, digits, spaces, hyphens or underscores); use a shorter environment name`,
      );
    }
    return new Folder(this, id, {
      parent: this.parent,
      displayName,
      // A folder holding tenant projects is never deleted by a plan; emptying it is a deliberate act.
      deletionProtection: true,
      lifecycle: recordedId
        ? {
            postcondition: [
              {
                condition: `\${self.name == "${recordedId}"}`,
                errorMessage: `platform.yaml records tenantFolders.${jurisdiction} = ${recordedId}, which is not this folder; correct tenantFolders.${jurisdiction} from the stack output tenant_folders`,
              },
            ],
          }
        : undefined,
    });
  }
}
