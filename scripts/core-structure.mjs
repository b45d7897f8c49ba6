#!/usr/bin/env node
// Structure figures for packages/core/src (issue 8's before/after note): files per folder, the
// longest file, import cycles among core's own files, files that speak the Engine API, engine-error
// handling sites outside the engine wing, stream casts, and the root export count.
// Run: node scripts/core-structure.mjs [CORE_SRC]   (after `pnpm install`; needs no build)
// e.g. the figures of an older commit:
//   git archive 3c5a1c2 packages/core/src | tar -x -C /tmp/old && node scripts/core-structure.mjs /tmp/old/packages/core/src
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = resolve(
  process.argv[2] ?? resolve(dirname(fileURLToPath(import.meta.url)), "../packages/core/src"),
);
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith(".ts")) files.push(p);
  }
};
walk(root);
const rel = (p) => relative(root, p);
const text = new Map(files.map((f) => [f, readFileSync(f, "utf8")]));

const perFolder = {};
for (const f of files) perFolder[dirname(rel(f)) || "."] = (perFolder[dirname(rel(f))] ?? 0) + 1;
const longest = files.map((f) => [rel(f), text.get(f).split("\n").length - 1]).sort((a, b) => b[1] - a[1]);

// Import graph over relative imports (values and types alike: a type import still couples files).
const graph = new Map();
for (const f of files) {
  const deps = new Set();
  for (const m of text.get(f).matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
    const target = resolve(dirname(f), m[1].replace(/\.js$/, ".ts"));
    if (text.has(target)) deps.add(target);
  }
  graph.set(f, [...deps]);
}
// Tarjan's strongly connected components: every component of more than one file is a cycle.
let index = 0;
const idx = new Map();
const low = new Map();
const stack = [];
const on = new Set();
const cycles = [];
const strong = (v) => {
  idx.set(v, index);
  low.set(v, index++);
  stack.push(v);
  on.add(v);
  for (const w of graph.get(v)) {
    if (!idx.has(w)) {
      strong(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const comp = [];
    let w;
    do {
      w = stack.pop();
      on.delete(w);
      comp.push(rel(w));
    } while (w !== v);
    if (comp.length > 1) cycles.push(comp.sort());
  }
};
for (const f of files) if (!idx.has(f)) strong(f);

const engineCall =
  /\b(?:docker|container|image|c)\.(?:inspect|start|stop|remove|kill|restart|logs|attach|wait|exec|resize|stats|listContainers|getContainer|createContainer|getImage|listImages|getEvents|ping|putArchive|getArchive|modem)\b/;
// A file speaks the Engine API when it calls a dockerode method or imports dockerode as a value.
const engineFiles = files.filter(
  (f) => engineCall.test(text.get(f)) || /^import (?!type)[^;]*"dockerode"/m.test(text.get(f)),
);
const outsideEngine = (f) => !rel(f).startsWith("engine/") && rel(f) !== "docker.ts";
const count = (re, pick = () => true) =>
  files.filter(pick).reduce((n, f) => n + (text.get(f).match(re) ?? []).length, 0);

const program = ts.createProgram([join(root, "index.ts")], {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  resolveJsonModule: true,
});
const checker = program.getTypeChecker();
const exportsOf = (file) => {
  const sf = program.getSourceFile(join(root, file));
  const sym = sf && checker.getSymbolAtLocation(sf);
  return sym ? checker.getExportsOfModule(sym).length : 0;
};
let internal = 0;
try {
  statSync(join(root, "internal.ts"));
  program.getSourceFile(join(root, "internal.ts")) || 0;
  const p2 = ts.createProgram([join(root, "internal.ts")], program.getCompilerOptions());
  const sf = p2.getSourceFile(join(root, "internal.ts"));
  internal = p2.getTypeChecker().getExportsOfModule(p2.getTypeChecker().getSymbolAtLocation(sf)).length;
} catch {}

const out = {
  files: files.length,
  filesPerFolder: perFolder,
  longestFiles: longest.slice(0, 3).map(([f, n]) => `${f} (${n} lines)`),
  importCycles: cycles,
  engineApiFiles: engineFiles.map(rel).sort(),
  mapDockerErrorCallsOutsideEngine: count(/mapDockerError\(/g, outsideEngine),
  status404ChecksOutsideEngine: count(/[!=]==\s*404\b|\b404\s*:/g, outsideEngine),
  asUnknownAsCasts: count(/as unknown as/g),
  rootExports: exportsOf("index.ts"),
  internalExports: internal,
};
console.log(JSON.stringify(out, null, 2));
