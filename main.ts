/**
 * The cdktf app: every environment under environments/, one App. `STACKS=a,b` synthesizes only
 * those stacks. Invalid config stops here, before anything is written.
 */
import { buildApp, parseStackList } from './stacks/build-app';
import { ConfigError } from './config/config-error';

try {
  buildApp({ stacks: parseStackList(process.env.STACKS) }).synth();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
