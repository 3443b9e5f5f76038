/**
 * A synthesis worker process (forked by scripts/lib/synthesis.ts): receives jobs over IPC, runs each
 * (synthesize, read back, check both packs) and answers with its stacks and violations.
 */
import { runJob, type SynthesisJob } from './synthesis';

process.on('message', (message: { job?: SynthesisJob; done?: boolean }) => {
  if (message.done) {
    // The parent adds this process's CPU time and peak memory to its own (npm run bench reports them).
    process.send!({ usage: process.resourceUsage() }, () => process.disconnect());
    return;
  }
  try {
    process.send!({ result: runJob(message.job!) });
  } catch (e) {
    const error = e as Error;
    process.send!({ error: { name: error.name, message: error.message } });
  }
});
