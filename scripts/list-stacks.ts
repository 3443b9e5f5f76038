/**
 * Prints the stack names of one environment, platform first, one per line, for CI to pass to
 * `cdktf diff` / `cdktf deploy`:  node -r ./scripts/register.js scripts/list-stacks.ts --env prod
 */
import { parseArgs } from 'util';
import { ConfigError } from '../config/config-error';
import { loadEnvironment } from '../config/loader';
import { stackNamesOf } from '../stacks/build-app';

function main(argv: string[]): number {
  let env: string | undefined;
  try {
    env = parseArgs({ args: argv, options: { env: { type: 'string' } }, strict: true }).values.env;
  } catch (e) {
    console.error(`${(e as Error).message}\nUsage: list-stacks --env <environment>`);
    return 2;
  }
  if (!env) {
    console.error('--env: missing; name the environment folder under environments/, for example --env example');
    return 2;
  }
  try {
    console.log(stackNamesOf([loadEnvironment(env)]).join('\n'));
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));
