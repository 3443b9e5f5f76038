import { Folder } from '@cdktf/provider-google/lib/folder';
import { LoggingFolderSettings } from '@cdktf/provider-google/lib/logging-folder-settings';
import { Project } from '@cdktf/provider-google/lib/project';
import { barePlatformStack } from '../compliance/support';
import { checkStack, expectAccepted, expectRejected } from './support';

function auditProjectStack(waitForSettings: boolean) {
  const { stack, env } = barePlatformStack();
  const folder = new Folder(stack, 'eea', { displayName: 'EEA', parent: 'organizations/1' });
  const settings = new LoggingFolderSettings(stack, 'eea-logging', { folder: folder.folderId, storageLocation: 'eu' });
  new Project(stack, 'audit-eea', {
    projectId: 'ssx-audit-eea',
    name: 'ssx-audit-eea',
    folderId: folder.folderId,
    ...(waitForSettings ? { dependsOn: [settings] } : {}),
  });
  return { stack, env };
}

describe('DEP-LOG-LOCATION: projects wait for their folder logging settings', () => {
  it('rejects an audit-log project that does not wait for its folder logging settings (issue 9, failure 8, RES-4)', () => {
    const { stack, env } = auditProjectStack(false);
    expectRejected(checkStack('DEP-LOG-LOCATION', stack, env), 'DEP-LOG-LOCATION', stack.node.id, /google_project\.audit-eea .*global instead of eu/);
  });

  it('accepts it with the dependency', () => {
    const { stack, env } = auditProjectStack(true);
    expectAccepted(checkStack('DEP-LOG-LOCATION', stack, env));
  });
});
