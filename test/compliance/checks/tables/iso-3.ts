/** ISO-3 (DPA Annex II 5): every labelable resource carries tenant, environment and data-residency of its stack. */
import { iso3RequiredLabels } from '../../../../compliance/rules/iso-3-required-labels';
import { ACME, stackJson, tableTenant, type CheckTable } from '../table';

const topic = (labels?: unknown) => stackJson({ google_pubsub_topic: { t: { name: 't', project: ACME.projectId, ...(labels === undefined ? {} : { labels }) } } });
const good = { tenant: 'acme', environment: 'tables', 'data-residency': 'eu' };

export const ISO_3_TABLES: CheckTable[] = [
  {
    check: iso3RequiredLabels,
    violating: [
      { name: 'no labels at all', json: topic(), address: 'google_pubsub_topic.t', problem: /^labels lack tenant and lack environment and lack data-residency\.$/ },
      { name: 'labels that are not an object', json: topic('tenant=acme'), problem: /lack tenant/ },
      { name: 'labels null', json: topic(null), problem: /lack tenant/ },
      { name: "another tenant's name", json: topic({ ...good, tenant: 'globex' }), problem: /^labels have tenant="globex"\.$/ },
      { name: 'another environment', json: topic({ ...good, environment: 'prod' }), problem: /have environment="prod"/ },
      { name: 'the residency of another jurisdiction', json: topic({ ...good, 'data-residency': 'uk' }), problem: /have data-residency="uk"/ },
      { name: 'a UK tenant labelled eu', tenant: tableTenant({ jurisdiction: 'UK', region: 'europe-west2' }), json: topic(good), problem: /data-residency="eu"/ },
      { name: 'platform: an empty tenant label', kind: 'platform', json: topic({ ...good, tenant: '' }), problem: /have tenant=""/ },
      { name: 'platform: a tenant label that is not a string', kind: 'platform', json: topic({ ...good, tenant: 7 }), problem: /have tenant=7/ },
      { name: 'platform: a tenant label that is a list', kind: 'platform', json: topic({ ...good, tenant: ['platform'] }), problem: /have tenant=\["platform"\]/ },
      { name: 'platform: an unknown residency', kind: 'platform', json: topic({ ...good, tenant: 'platform', 'data-residency': 'us' }), problem: /have data-residency="us"/ },
      { name: 'platform: a residency that is not a string', kind: 'platform', json: topic({ ...good, tenant: 'platform', 'data-residency': ['eu'] }) },
      { name: 'platform: another environment', kind: 'platform', json: topic({ ...good, tenant: 'platform', environment: 'prod' }) },
    ],
    compliant: [
      { name: "the tenant's labels", json: topic(good), evidence: /^google_pubsub_topic\.t: tenant=acme, environment=tables, data-residency=eu$/ },
      { name: 'a UK tenant labelled uk', tenant: tableTenant({ jurisdiction: 'UK', region: 'europe-west2' }), json: topic({ ...good, 'data-residency': 'uk' }) },
      { name: 'platform: tenant platform, residency eu', kind: 'platform', json: topic({ ...good, tenant: 'platform' }), evidence: /tenant=platform/ },
      { name: 'platform: a tenant served, residency ch', kind: 'platform', json: topic({ ...good, tenant: 'globex', 'data-residency': 'ch' }) },
      { name: 'a resource that takes no labels is skipped', json: stackJson({ google_pubsub_topic: { t: { name: 't', labels: good } }, google_project_iam_member: { g: { project: ACME.projectId, role: 'roles/viewer', member: 'group:a@smartsegments.example' } } }) },
    ],
    inapplicable: [{ name: 'nothing labelable', json: stackJson({ google_project_iam_member: { g: { project: ACME.projectId, role: 'roles/viewer', member: 'group:a@smartsegments.example' } } }) }],
  },
];
