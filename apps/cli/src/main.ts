import { runCli } from './cli';

/** `bitcraps …` (apps/cli/bin/bitcraps.js runs this, compiled or from source). */
const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort());
runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text + '\n'),
  err: (text) => process.stderr.write(text + '\n'),
  env: process.env,
  signal: interrupt.signal,
})
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err) => {
    process.stderr.write(`bitcraps: ${(err as Error)?.stack ?? err}\n`);
    process.exitCode = 1;
  });
