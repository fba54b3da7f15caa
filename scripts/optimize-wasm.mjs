// Optimises every .wasm file named on the command line for size, in one
// Node process: binaryen's JS build (npm `binaryen`, the one wasm-opt runs
// on here) is loaded once instead of once per part — the bundle has ~150
// parts and starting binaryen cost ~2.5 s of CPU each time.
//
// The same as `wasm-opt -Oz --converge --strip-producers
// --strip-target-features` with the features below: the default pipeline
// at optimise level 2 and shrink level 2, repeated while the module still
// shrinks, no names section written.
//
// usage: node scripts/optimize-wasm.mjs BINARYEN_INDEX_JS FILE.wasm…
import { readFileSync, writeFileSync, renameSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [binaryenPath, ...files] = process.argv.slice(2);
const { default: binaryen } = await import(pathToFileURL(binaryenPath).href);
const F = binaryen.Features;
const features = F.MutableGlobals | F.NontrappingFPToInt | F.BulkMemory | F.BulkMemoryOpt | F.SignExt;

binaryen.setOptimizeLevel(2);
binaryen.setShrinkLevel(2);
binaryen.setDebugInfo(false);

let before = 0;
let after = 0;
for (const file of files) {
  const input = readFileSync(file);
  const module = binaryen.readBinary(new Uint8Array(input));
  module.setFeatures(features);
  let size = input.length;
  for (let round = 0; round < 8; round++) {
    module.optimize();
    const now = module.emitBinary().length;
    if (now >= size) break;
    size = now;
  }
  module.runPasses(["strip-producers", "strip-target-features"]);
  const best = module.emitBinary();
  module.dispose();
  writeFileSync(file + ".opt", best);
  renameSync(file + ".opt", file);
  before += input.length;
  after += best.length;
}
console.error(`optimised ${files.length} parts: ${(before / 1024).toFixed(0)} KiB → ${(after / 1024).toFixed(0)} KiB`);
