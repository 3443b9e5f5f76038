/**
 * DEP-IMAGE: every Cloud Run service and job of a tenant stack runs an image that exists when it is
 * created and that its project's Cloud Run service agent may pull. In a project Smart Segments owns:
 * an image of platform.yaml, with the stack's grant of the agent on the platform repository
 * (ImagePullAccess). In a customer's own project (HAND-2) the agent belongs to the customer's
 * organization, which our domain-restricted sharing does not admit on the platform repository, so the
 * image must be the tenant's copy in the `relay` repository the stack creates in that project (pulled
 * with no grant), by a digest the tenant file records as copied (`copiedImages`): Terraform creating
 * a service whose image does not exist fails, and leaves the service tainted behind its protection.
 *
 * Sources: https://cloud.google.com/artifact-registry/docs/deploy ("preconfigured with access to
 * repositories in the same project"); https://cloud.google.com/artifact-registry/docs/integrate-cloud-run
 * ("If your repositories are in a different project, you must grant Artifact Registry Reader
 * permissions to the Cloud Run Service Agent"); docs/domain-restricted-sharing.md.
 */
import { sharedProjectId } from '../../../config/naming';
import {
  RELAY_IMAGE_KEYS,
  RELAY_REPOSITORY_ID,
  digestOf,
  imageNameOf,
  pullsFromTenantCopy,
  tenantImageReference,
} from '../../../config/relay-images';
import { compliant, nonCompliant, type Finding } from '../../rule';
import { walkStrings, type SynthesizedResource, type SynthesizedStack } from '../../synthesized-stack';
import { defineCheck } from '../check';

const WORKLOADS = ['google_cloud_run_v2_service', 'google_cloud_run_v2_job'];
const RUN_AGENT = /serverless-robot-prod\.iam\.gserviceaccount\.com$/;

function imagesOf(workload: SynthesizedResource): { path: string; value: string }[] {
  return [...walkStrings(workload.values)].filter(({ path }) => /containers(\[\d+\])?\.image$/.test(path));
}

/** Whether the stack grants its Cloud Run agent read on the platform's repository (ImagePullAccess). */
function grantsPlatformPull(stack: SynthesizedStack, platformProject: string): boolean {
  return stack
    .ofType('google_artifact_registry_repository_iam_member')
    .some(
      (g) =>
        g.values.project === platformProject &&
        g.values.repository === RELAY_REPOSITORY_ID &&
        g.values.role === 'roles/artifactregistry.reader' &&
        isRunAgent(stack, String(g.values.member)),
    );
}

/** The Cloud Run agent, by its address or as the member of its google_project_service_identity. */
function isRunAgent(stack: SynthesizedStack, member: string): boolean {
  if (RUN_AGENT.test(member)) return true;
  const identity = stack.resolveReference(member);
  return identity?.type === 'google_project_service_identity' && identity.values.service === 'run.googleapis.com';
}

export const depImage = defineCheck({
  id: 'DEP-IMAGE',
  explanation:
    "Every Cloud Run service and job runs an image its project's Cloud Run agent can pull and that exists: a platform.yaml image with the platform-repository grant in a project Smart Segments owns; in a customer's own project, the copy in the stack's own relay repository, by a digest the tenant file records as copied.",
  sources: [
    'https://cloud.google.com/artifact-registry/docs/deploy',
    'https://cloud.google.com/artifact-registry/docs/integrate-cloud-run',
  ],
  appliesTo: ['tenant'],
  check({ stack, tenant, environment }) {
    if (!tenant) return [];
    const images = environment.platform.images;
    const platformProject = sharedProjectId(environment.platform);
    const copy = pullsFromTenantCopy(tenant);
    const repository = stack
      .ofType('google_artifact_registry_repository')
      .find((r) => r.values.project === tenant.projectId && r.values.repository_id === RELAY_REPOSITORY_ID && r.values.format === 'DOCKER');
    const findings: Finding[] = [];
    for (const workload of stack.ofType(...WORKLOADS)) {
      for (const { path, value } of imagesOf(workload)) {
        const key = RELAY_IMAGE_KEYS.find((k) => imageNameOf(images[k]) === imageNameOf(value));
        if (!copy) {
          if (!(Object.values(images) as string[]).includes(value)) {
            findings.push(nonCompliant(workload.address, `runs image ${value} (${path}), which is not one of platform.yaml's images.`, 'run an image of platform.yaml `images`, pinned by digest.'));
          } else if (!grantsPlatformPull(stack, platformProject)) {
            findings.push(
              nonCompliant(
                workload.address,
                `runs ${value}, but the stack does not grant its Cloud Run agent roles/artifactregistry.reader on ${platformProject}/${RELAY_REPOSITORY_ID}, so the image cannot be pulled.`,
                'grant it with ImagePullAccess.',
              ),
            );
          } else {
            findings.push(compliant(workload.address, `runs ${value}, pulled by its Cloud Run agent through the grant on ${platformProject}/${RELAY_REPOSITORY_ID}`));
          }
          continue;
        }
        const prefix = repository ? `${String(repository.values.location)}-docker.pkg.dev/${tenant.projectId}/${RELAY_REPOSITORY_ID}/` : undefined;
        if (!prefix || !value.startsWith(prefix) || key === undefined) {
          findings.push(
            nonCompliant(
              workload.address,
              `runs ${value} (${path}), which is not in a ${RELAY_REPOSITORY_ID} repository the stack creates in ${tenant.projectId}; the project's Cloud Run agent belongs to the customer's organization, which domain-restricted sharing does not admit on another project's repository.`,
              `run the tenant's copy (${key ? tenantImageReference(images[key], tenant.projectId, tenant.region) : `<region>-docker.pkg.dev/${tenant.projectId}/${RELAY_REPOSITORY_ID}/<name>@sha256:<digest>`}) from the stack's own repository (TenantImageRepository).`,
            ),
          );
          continue;
        }
        const recorded = tenant.copiedImages?.[key];
        if (recorded !== digestOf(value)) {
          findings.push(
            nonCompliant(
              workload.address,
              `runs ${value}, whose digest the tenant file does not record as copied (copiedImages.${key}: ${recorded ?? 'absent'}); the image may not exist in the repository, and creating a service or job without its image fails and leaves it tainted.`,
              `copy it (crane copy ${images[key]} ${tenantImageReference(images[key], tenant.projectId, tenant.region)}), then set copiedImages.${key}: "${digestOf(images[key])}" in ${tenant.sourceFile}.`,
            ),
          );
          continue;
        }
        findings.push(compliant(workload.address, `runs the tenant's copy ${value}, recorded as copied; pulled in its own project with no grant`));
      }
    }
    return findings;
  },
});
