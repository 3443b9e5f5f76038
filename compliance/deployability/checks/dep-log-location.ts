/**
 * DEP-LOG-LOCATION: a `google_project` created in a folder whose `google_logging_folder_settings`
 * the same stack declares waits for those settings. The default storage location applies to the
 * `_Default` and `_Required` buckets of projects created after it is set; a project Terraform
 * creates first gets its buckets in `global` (RES-4).
 *
 * Sources: https://cloud.google.com/logging/docs/default-settings (the default storage location is
 * applied to the buckets of resources created after it is configured); terraform-provider-google v6.50.0
 * website/docs/r/logging_folder_settings.html.markdown.
 */
import { compliant, nonCompliant, type Finding } from '../../rule';
import { referencesIn } from '../../synthesized-stack';
import { defineCheck } from '../check';
import { DependencyGraph } from '../graph';

/** A folder as a comparable key: `ref:google_folder.x` for a reference, `id:<number>` for a literal. */
function folderKey(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const ref = referencesIn(value).find((r) => r.mode === 'resource' && r.type === 'google_folder');
  if (ref) return `ref:google_folder.${ref.name}`;
  if (value.includes('${')) return undefined;
  return `id:${value.replace(/^folders\//, '')}`;
}

export const depLogLocation = defineCheck({
  id: 'DEP-LOG-LOCATION',
  explanation:
    "A project created in a folder whose logging settings the stack declares depends on those settings, so its log buckets are created in the folder's storage location, not in global.",
  sources: ['https://cloud.google.com/logging/docs/default-settings', 'terraform-provider-google v6.50.0 website/docs/r/logging_folder_settings.html.markdown'],
  appliesTo: ['platform', 'tenant'],
  check({ stack }) {
    const graph = DependencyGraph.of(stack);
    const settings = stack.ofType('google_logging_folder_settings').flatMap((s) => {
      const key = folderKey(s.values.folder);
      return key ? [{ address: s.address, key, location: s.values.storage_location }] : [];
    });
    if (settings.length === 0) return [];
    const findings: Finding[] = [];
    for (const project of stack.ofType('google_project')) {
      const key = folderKey(project.values.folder_id);
      const own = settings.filter((s) => s.key === key);
      for (const s of own) {
        if (graph.dependsOn(project.address, s.address)) {
          findings.push(compliant(project.address, `waits for ${s.address} (storage location ${String(s.location)})`));
        } else {
          findings.push(
            nonCompliant(
              project.address,
              `is created in the folder of ${s.address} but does not depend on it, so its _Default and _Required log buckets may be created in global instead of ${String(s.location)}.`,
              `add ${s.address} to the project's depends_on.`,
            ),
          );
        }
      }
    }
    return findings;
  },
});
