// Runs one model of the default scenario, or an engine steady case, in the page's wasm under Node, for
// scripts/profile-wasm.sh (which puts this file beside the glue, the wasm and the scenario).
import { readFileSync } from 'node:fs';
import * as glue from './glue.mjs';

glue.initSync({ module: readFileSync('./app.wasm') });
const [what = 'scaling', runs = '10'] = process.argv.slice(2);
const json = readFileSync('./scenario.json', 'utf8');
for (let i = 0; i < Number(runs); i++) {
  const t0 = performance.now();
  if (what.startsWith('steady:')) {
    // steady:RATE:WARM:COLD, 1 M requests (keep-alive 600 s, limit 1000), as bench part 4.
    const [rate, warm, cold] = what.split(':').slice(1).map(Number);
    glue.bench_steady(rate, warm, cold, 600, 1000, 1e6 / rate, 1);
  } else {
    glue.worker_run(what, json, new Uint32Array([]));
  }
  console.log(`${what}: ${(performance.now() - t0).toFixed(1)} ms`);
}
