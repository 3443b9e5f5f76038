/**
 * "Did you mean" for a misspelled flag (every command of scripts/lib/cli.ts), environment, tenant and
 * region, and an unknown region called unknown rather than outside the jurisdiction.
 */
import { closest, didYouMean, editDistance } from '../../config/did-you-mean';
import { GOOGLE_CLOUD_REGIONS, JURISDICTIONS, JURISDICTION_RULES, tenantRegionProblem } from '../../config/jurisdictions';
import { loadEnvironment, validateTenantDocument } from '../../config/loader';
import { parseFlags } from '../../scripts/lib/cli';
import { ONBOARD_SPEC } from '../../scripts/lib/onboarding';
import { existingTenantFile, unknownEnvironmentProblem } from '../../scripts/lib/tenant-target';
import { main as listStacks } from '../../scripts/list-stacks';
import { SYNTH_SPEC } from '../../main';
import { FIXTURE_ENV, FIXTURE_ENVIRONMENTS_DIR } from '../support/fixture-synthesis';
import { VALID_TENANT } from '../support/valid-tenant';
import { runInProcess } from './cli-harness';

describe('edit distance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['europe-wset3', 'europe-west3', 1],
    ['ca', 'abc', 3],
    ['record', 'recrod', 1],
    ['tenant', 'tenants', 1],
    ['same', 'same', 0],
  ])('%j -> %j is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  it('suggests the closest candidate within a third of the word, and nothing for a known or distant word', () => {
    expect(closest('europe-wset3', GOOGLE_CLOUD_REGIONS)).toBe('europe-west3');
    expect(closest('thames-bowel', ['alpen-sport', 'thames-bowl'])).toBe('thames-bowl');
    expect(closest('thames-bowl', ['alpen-sport', 'thames-bowl'])).toBeUndefined();
    expect(closest('zzz', ['alpen-sport', 'thames-bowl'])).toBeUndefined();
    // Short words allow one edit only.
    expect(closest('ab', ['ax'])).toBe('ax');
    expect(closest('ab', ['xy'])).toBeUndefined();
    // Letter case is not an edit.
    expect(closest('eea', ['EEA', 'UK'])).toBe('EEA');
    // Ties go to the earlier candidate.
    expect(closest('ab', ['ac', 'ad'])).toBe('ac');
    expect(didYouMean('fixtrue', ['fixture'])).toBe('; did you mean fixture?');
    expect(didYouMean('prod', ['fixture'])).toBe('');
  });
});

describe('regions', () => {
  it('lists every region of every jurisdiction among the Google Cloud regions', () => {
    for (const j of JURISDICTIONS) for (const r of JURISDICTION_RULES[j].regions) expect(GOOGLE_CLOUD_REGIONS).toContain(r);
  });

  it('calls a misspelled region unknown, with the closest region, not outside the jurisdiction', () => {
    const { problems } = validateTenantDocument({ ...VALID_TENANT, region: 'europe-wset3' }, 'tenants/valid-tenant.yaml');
    expect(problems).toEqual([
      {
        file: 'tenants/valid-tenant.yaml',
        field: 'region',
        message: `region "europe-wset3" is not a Google Cloud region; did you mean europe-west3?; regions of EEA: ${JURISDICTION_RULES.EEA.regions.join(', ')}`,
      },
    ]);
  });

  it('names an unknown region with no close one without a suggestion', () => {
    expect(tenantRegionProblem('UK', 'mars-north1')).toBe('region "mars-north1" is not a Google Cloud region; regions of UK: europe-west2');
  });

  it('still calls a real region of another jurisdiction outside it', () => {
    expect(tenantRegionProblem('EEA', 'europe-west2')).toMatch(/^region "europe-west2" is outside jurisdiction EEA \(RES-3\); allowed: europe-west1,/);
    expect(tenantRegionProblem('AU', 'us-central1')).toBe('region "us-central1" is outside jurisdiction AU (RES-3); allowed: australia-southeast1, australia-southeast2');
    expect(tenantRegionProblem('CH', 'europe-west6')).toBeUndefined();
  });
});

describe('flags', () => {
  it.each([
    [ONBOARD_SPEC, '--jurisdicton', 'jurisdiction'],
    [ONBOARD_SPEC, '--security-contcat', 'security-contact'],
    [SYNTH_SPEC, '--shrad', 'shard'],
  ])('a misspelled flag names the closest: %#', (spec, flag, expected) => {
    const { problems } = parseFlags([flag, 'x'], spec);
    expect(problems[0]).toMatch(new RegExp(`^unknown flag ${flag}; allowed flags: .*; did you mean --${expected}\\?$`));
  });

  it('an unknown flag like no known one gets no suggestion', () => {
    expect(parseFlags(['--colour', 'blue'], ONBOARD_SPEC).problems[0]).not.toContain('did you mean');
  });
});

describe('environments and tenants', () => {
  it('a misspelled environment names the closest and says how to create one', () => {
    expect(unknownEnvironmentProblem(FIXTURE_ENVIRONMENTS_DIR, 'fixtrue', [FIXTURE_ENV])).toMatch(
      /^--env: environment "fixtrue" does not exist in .* \(npm run new-environment creates one\); did you mean fixture\?; known environments: fixture$/,
    );
  });

  it('the loader names the closest environment and how to create one', () => {
    expect(() => loadEnvironment('fixtrue', { environmentsDir: FIXTURE_ENVIRONMENTS_DIR })).toThrow(
      /environment "fixtrue" does not exist; known environments: fixture; did you mean fixture\? \(npm run new-environment creates one\)/,
    );
  });

  it('a misspelled tenant names the closest', () => {
    const { problems } = existingTenantFile(FIXTURE_ENVIRONMENTS_DIR, FIXTURE_ENV, 'thames-bowel');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^--tenant: environment "fixture" has no tenant "thames-bowel" \(.*\); did you mean thames-bowl\?; known tenants: alpen-sport,/);
  });

  it('npm run stacks lists the fixture platform first, and suggests the environment', () => {
    const listed = runInProcess(listStacks, ['--env', FIXTURE_ENV, '--environments-dir', FIXTURE_ENVIRONMENTS_DIR]);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toBe('platform-fixture');
    expect(lines.slice(1).every((l) => l.startsWith('tenant-fixture-'))).toBe(true);
    expect(lines).toContain('tenant-fixture-thames-bowl');
    const misspelled = runInProcess(listStacks, ['--env', 'fixtrue', '--environments-dir', FIXTURE_ENVIRONMENTS_DIR]);
    expect(misspelled.code).toBe(2);
    expect(misspelled.errors[0]).toContain('did you mean fixture?');
  });
});
