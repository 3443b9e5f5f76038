/**
 * The cdktf app: every environment under environments/, one App. `STACKS=a,b` synthesizes only
 * those stacks; `ENVIRONMENTS_DIR` reads the environments from another folder (the scripts' tests use
 * a temporary copy). Invalid config, or a stack that breaks a control of the DPA rule pack, stops here,
 * before anything is written.
 */
import { buildApp, parseStackList } from './stacks/build-app';
import { ConfigError } from './config/config-error';
import { ComplianceError } from './compliance/engine';

try {
  buildApp({ stacks: parseStackList(process.env.STACKS), environmentsDir: process.env.ENVIRONMENTS_DIR || undefined }).synth();
} catch (e) {
  if (e instanceof ConfigError || e instanceof ComplianceError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
