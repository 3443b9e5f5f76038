/** ISO-1 (DPA Annex II 5, C.4): a tenant stack touches only its own project. ACME is ssx-acme, GLOBEX ssx-globex. */
import { iso1NoForeignProject, iso1NoOtherTenantReference, iso1OnlyOwnProject } from '../../../../compliance/rules/iso-1-project-isolation';
import { ACME, GLOBEX, stackJson, type CheckTable } from '../table';

const topic = (project: string) => stackJson({ google_pubsub_topic: { t: { name: 't', project } } });

export const ISO_1_TABLES: CheckTable[] = [
  {
    check: iso1NoOtherTenantReference,
    violating: [
      { name: "a resource attribute names the other tenant's project", json: topic(GLOBEX.projectId), address: 'google_pubsub_topic.t', problem: /^project names project ssx-globex of tenant "globex" \("ssx-globex"\)/ },
      { name: 'the name after a slash, twice in one string', json: stackJson({ google_pubsub_topic: { t: { name: `x${GLOBEX.projectId} projects/${GLOBEX.projectId}` } } }) },
      { name: 'the name at the start of a path', json: stackJson({ google_pubsub_topic: { t: { name: `${GLOBEX.projectId}/topics/x` } } }) },
      { name: 'a data source', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }, { data: { google_project: { p: { project_id: GLOBEX.projectId } } } }) },
      { name: 'the provider', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }, { provider: { google: [{ project: GLOBEX.projectId }] } }), address: '(stack)' },
      { name: 'the backend', json: stackJson({}, { terraform: { backend: { gcs: { prefix: `x:${GLOBEX.projectId}` } } } }), address: '(stack)' },
    ],
    compliant: [
      { name: 'only its own project', json: topic(ACME.projectId), evidence: /names none of the 1 other tenants' projects/ },
      { name: 'a longer id that contains the other project id is not it', json: topic(`${GLOBEX.projectId}-2`) },
      { name: 'a prefix of the other id is not it', json: topic(`x${GLOBEX.projectId}`) },
      { name: 'nor with a digit or a dash before or after it', json: stackJson({ google_pubsub_topic: { a: { name: `9${GLOBEX.projectId}` }, b: { name: `${GLOBEX.projectId}7` }, c: { name: `-${GLOBEX.projectId}` } } }) },
      { name: 'a tenant with the same project id is not another tenant', others: [{ ...GLOBEX, projectId: ACME.projectId }], json: topic(ACME.projectId) },
    ],
  },
  {
    check: iso1OnlyOwnProject,
    violating: [
      { name: 'a project that is neither the tenant\'s nor the platform\'s', json: topic('ssx-unknown'), address: 'google_pubsub_topic.t' },
      { name: 'the same in projects/ form', json: topic('projects/ssx-unknown'), problem: /project is "projects\/ssx-unknown"/ },
    ],
    inapplicable: [{ name: 'no literal project', json: stackJson({ google_pubsub_topic: { t: { name: 't', project: '${google_project.p.project_id}' } } }) }],
    compliant: [
      { name: "the tenant's project", json: topic(ACME.projectId) },
      { name: "the tenant's project in projects/ form", json: topic(`projects/${ACME.projectId}`), evidence: /in project ssx-acme$/ },
      { name: 'the shared platform project', json: topic('ssx-platform') },
      {
        name: "an interpolated project and the other tenant's (the other check's finding) are skipped",
        json: stackJson({ google_pubsub_topic: { t: { name: 't', project: '${google_project.p.project_id}' }, u: { name: 'u', project: GLOBEX.projectId }, v: { name: 'v', project: ACME.projectId } } }),
      },
    ],
  },
  {
    check: iso1NoForeignProject,
    violating: [{ name: 'creates another project', json: stackJson({ google_project: { p: { project_id: 'ssx-other' } } }), address: 'google_project.p' }],
    compliant: [{ name: "creates the tenant's project", json: stackJson({ google_project: { p: { project_id: ACME.projectId } } }) }],
    inapplicable: [{ name: 'creates no project', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }) }],
  },
];
