// Preloaded into a language server under test (`node --import ./bench/profileProbe.mjs dist/server.js --stdio`): the
// first SIGUSR2 starts V8's CPU profiler through an in-process inspector session (no port is opened), the next
// one stops it and writes the .cpuprofile to $BENCH_PROFILE_FILE. Unlike --cpu-prof, the profile then covers only
// the scenario (e.g. the edits, not the open before them).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const file = process.env.BENCH_PROFILE_FILE;
if (file) {
  const session = new Session();
  session.connect();
  let running = false;
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      session.post('Profiler.enable', () => session.post('Profiler.start', () => writeFileSync(`${file}.started`, '1')));
    } else {
      running = false;
      session.post('Profiler.stop', (error, result) => {
        writeFileSync(file, error ? JSON.stringify({ error: String(error) }) : JSON.stringify(result.profile));
      });
    }
  });
}
