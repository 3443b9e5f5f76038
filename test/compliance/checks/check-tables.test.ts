/**
 * Every check of the pack, run on its table of small hand-written stacks (test/compliance/checks/
 * tables/): each violating fixture is rejected naming the check, each compliant one accepted with
 * evidence. The structural test keeps every check covered by at least one case of each kind.
 */
import { CHECKS } from '../../../compliance/pack';
import { expectAccepted, expectNotApplicable, expectRejected, type CheckTable } from './table';
import { CI_1_TABLES } from './tables/ci-1';
import { IAM_3_TABLES } from './tables/iam-3';
import { IAM_4_TABLES } from './tables/iam-4';
import { IAM_6_TABLES } from './tables/iam-6';
import { ENC_1_TABLES } from './tables/enc-1';
import { ENC_2_TABLES } from './tables/enc-2';
import { HAND_2_SUB_1_TABLES } from './tables/hand-2-sub-1';
import { BRE_1_TABLES } from './tables/bre-1';
import { DEL_2_BAK_1_TABLES } from './tables/del-2-bak-1';
import { HAND_1_TABLES } from './tables/hand-1';
import { IAM_1_TABLES } from './tables/iam-1';
import { IAM_2_TABLES } from './tables/iam-2';
import { IAM_7_TABLES } from './tables/iam-7';
import { ISO_1_TABLES } from './tables/iso-1';
import { ISO_2_TABLES } from './tables/iso-2';
import { ISO_3_TABLES } from './tables/iso-3';
import { LOG_1_TABLES } from './tables/log-1';
import { RES_1_TABLES } from './tables/res-1';
import { RES_2_TABLES } from './tables/res-2';
import { LOG_2_TABLES } from './tables/log-2';
import { NET_1_TABLES } from './tables/net-1';
import { RES_3_TABLES } from './tables/res-3';
import { RES_4_TABLES } from './tables/res-4';
import { RET_1_TABLES } from './tables/ret-1';
import { RET_2_TABLES } from './tables/ret-2';
import { RET_3_TABLES } from './tables/ret-3';
import { SEC_1_TABLES } from './tables/sec-1';
import { SEC_3_TABLES } from './tables/sec-3';
import { SMALL_CONTROL_TABLES } from './tables/small-controls';
const TABLES: readonly CheckTable[] = [
  ...BRE_1_TABLES,
  ...CI_1_TABLES,
  ...DEL_2_BAK_1_TABLES,
  ...ENC_1_TABLES,
  ...ENC_2_TABLES,
  ...HAND_1_TABLES,
  ...HAND_2_SUB_1_TABLES,
  ...IAM_1_TABLES,
  ...IAM_2_TABLES,
  ...IAM_3_TABLES,
  ...IAM_4_TABLES,
  ...IAM_6_TABLES,
  ...IAM_7_TABLES,
  ...ISO_1_TABLES,
  ...ISO_2_TABLES,
  ...ISO_3_TABLES,
  ...LOG_1_TABLES,
  ...LOG_2_TABLES,
  ...NET_1_TABLES,
  ...RES_1_TABLES,
  ...RES_2_TABLES,
  ...RES_3_TABLES,
  ...RES_4_TABLES,
  ...RET_1_TABLES,
  ...RET_2_TABLES,
  ...RET_3_TABLES,
  ...SEC_1_TABLES,
  ...SEC_3_TABLES,
  ...SMALL_CONTROL_TABLES,
];

describe('check tables (every control of the pack: RES, ISO, IAM, SEC, ENC, NET, LOG, RET, DEL, HAND, SUB, LLM, BRE, BAK, CI)', () => {
  it('every check of the pack has a table with a violating and a compliant case', () => {
    const tabled = new Map(TABLES.map((t) => [t.check.id, t]));
    for (const check of CHECKS) {
      const t = tabled.get(check.id);
      const state = t ? `violating ${t.violating.length > 0}, compliant ${t.compliant.length > 0}` : 'no table';
      expect([check.id, state]).toEqual([check.id, 'violating true, compliant true']);
    }
    expect(TABLES.filter((t) => !CHECKS.includes(t.check)).map((t) => t.check.id)).toEqual([]);
    expect(new Set(TABLES.map((t) => t.check.id)).size).toBe(TABLES.length);
  });

  it('every check explains itself in a sentence and applies to some stack kind', () => {
    for (const check of CHECKS) {
      expect([check.id, check.explanation]).toEqual([check.id, expect.stringMatching(/^[A-Z].{29,}\.$/s)]);
      expect([check.id, check.appliesTo.length > 0, check.severity]).toEqual([check.id, true, 'error']);
    }
  });

  for (const table of TABLES) {
    describe(table.check.id, () => {
      for (const f of table.violating) it(`rejects: ${f.name}`, () => expectRejected(table.check, f));
      for (const f of table.compliant) it(`accepts: ${f.name}`, () => expectAccepted(table.check, f));
      for (const f of table.inapplicable ?? []) it(`finds nothing to judge: ${f.name}`, () => expectNotApplicable(table.check, f));
    });
  }
});
