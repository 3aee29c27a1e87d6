// Runs the playground's models off the main thread (src/ui/compute.rs). The page sends once the URL of its own
// wasm-bindgen module and its compiled WebAssembly.Module (so nothing is downloaded or compiled twice), then jobs
// { id, kind, scenario, pieces, slow } (pieces: which of the model's independent runs, a Uint32Array; empty: all;
// slow: a test hook, window.playgroundTestSlow on the page, that makes the run last that many ms); while a
// run goes on it sends { id, progress } (the share of the run done, at most every 100 ms), and its answer is
// { id, out, ms } (out: the output's bytes, a Uint8Array whose buffer is transferred, not copied) or { id, error }.
// User Timing marks name each run.
let ready = null;

self.onmessage = async (e) => {
  const m = e.data;
  if (m.init) {
    ready = import(m.js).then(async (glue) => {
      const wasm = await glue.default({ module_or_path: m.module });
      // The module's memory, for the benchmark (tests/browser/bench.mjs) to read its size.
      self.wasmMemory = wasm.memory;
      return glue;
    });
    ready.catch((err) => self.postMessage({ id: -1, error: `the worker could not start: ${err}` }));
    return;
  }
  if (m.crash) {
    // Test hook (window.playgroundTestCrash on the page): an uncaught error, as a crash or running out of memory
    // would give, instead of an answer.
    setTimeout(() => { throw new Error('forced crash (test hook)'); });
    return;
  }
  try {
    const glue = await ready;
    const name = `simulate ${m.kind}`;
    performance.mark(`${name} start`);
    const t0 = performance.now();
    const progress = (done) => self.postMessage({ id: m.id, progress: done });
    const out = glue.worker_run(m.kind, m.scenario, m.pieces ?? new Uint32Array(), progress, m.slow);
    const ms = performance.now() - t0;
    performance.measure(name, `${name} start`);
    self.postMessage({ id: m.id, out, ms }, [out.buffer]);
  } catch (err) {
    self.postMessage({ id: m.id, error: String(err) });
  }
};
