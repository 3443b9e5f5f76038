/** jest globalSetup: synthesizes the fixture environment once for the whole run (test/support/fixture-synthesis.ts). */
import { fixtureSynthDir, synthesizeFixtures } from './fixture-synthesis';

export default function globalSetup(): void {
  const dir = synthesizeFixtures(fixtureSynthDir());
  // Workers inherit the environment, so they read this folder without hashing the sources again.
  process.env.SS_FIXTURE_SYNTH_DIR = dir;
}
