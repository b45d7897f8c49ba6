#!/usr/bin/env node
// Structure figures for packages/core/src (issue 8's before/after note): files per folder, the
// longest file, import cycles among core's own files, files that speak the Engine API, engine-error
// handling sites outside the engine wing, stream casts, the root export count, and the spawn path.
// Run: node scripts/core-structure.mjs [CORE_SRC] [--path]   (after `pnpm install`; needs no build;
// --path lists the spawn path's stops)
// e.g. the figures of an older commit:
//   git archive 3c5a1c2 packages/core/src | tar -x -C /tmp/old && node scripts/core-structure.mjs /tmp/old/packages/core/src
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = resolve(
  process.argv.slice(2).find((a) => !a.startsWith("--")) ??
    resolve(dirname(fileURLToPath(import.meta.url)), "../packages/core/src"),
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
const existsIn = (file) => text.has(join(root, file));
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

// The spawn path: from the facade's `spawn` to the engine's create call, the functions of core a
// plain detached spawn (no --branch) passes through, walked statically in source order. A stop is
// a call into a function of another file of core (helpers within a file are walked, not counted); calls in catch clauses and throws (failure paths) and in
// functions merely defined (cleanups) are not walked, a callback passed to a call is. `returns`
// counts the times the walk comes back to a file it had already left, `engineCalls` the Engine API
// calls on the way (create included), `repeated` the functions of another file called more than once.
const spawnPath = (() => {
  const full = ts.createProgram([join(root, existsIn("internal.ts") ? "internal.ts" : "index.ts")], {
    ...program.getCompilerOptions(),
  });
  const tc = full.getTypeChecker();
  const inCore = (node) => node.getSourceFile().fileName.startsWith(root);
  const facade = full.getSourceFile(join(root, "hal9000.ts"));
  let entry;
  const find = (n) => {
    if (ts.isMethodDeclaration(n) && n.name.getText() === "spawn" && n.body) entry = n;
    ts.forEachChild(n, find);
  };
  find(facade);
  if (!entry) return undefined;
  const SKIP = new Set(["spawnOnBranch"]);
  const trail = []; // the file the walk is in, each time it moves
  const stops = [];
  const engineCalls = [];
  const at = (file) => {
    if (trail.at(-1) !== file) trail.push(file);
  };
  const declOf = (call) => {
    let sym = tc.getSymbolAtLocation(
      ts.isPropertyAccessExpression(call.expression) ? call.expression.name : call.expression,
    );
    if (sym && sym.flags & ts.SymbolFlags.Alias) sym = tc.getAliasedSymbol(sym);
    const d = sym?.valueDeclaration ?? sym?.declarations?.[0];
    if (!d || !inCore(d)) return undefined;
    if ((ts.isFunctionDeclaration(d) || ts.isMethodDeclaration(d)) && d.body) return d;
    if (ts.isVariableDeclaration(d) && d.initializer && ts.isArrowFunction(d.initializer))
      return d.initializer;
    return undefined;
  };
  const done = Symbol("create reached");
  const stack = new Set();
  const walkFn = (fn) => {
    const file = rel(fn.getSourceFile().fileName);
    at(file);
    stack.add(fn);
    const visit = (n) => {
      if (ts.isCatchClause(n) || ts.isThrowStatement(n)) return;
      if (n !== fn && ts.isFunctionLike(n) && !(n.parent && ts.isCallExpression(n.parent))) return;
      if (ts.isCallExpression(n)) {
        const target = declOf(n);
        const name = target && (target.name?.getText() ?? target.parent?.name?.getText());
        if (SKIP.has(name)) return; // another path (its callbacks too)
        n.arguments.forEach(visit); // arguments are evaluated before the call
        visit(n.expression);
        const callee = n.expression.getText();
        if (/\bengine\.(?:containers\.|images\.)?\w+$/.test(callee)) engineCalls.push(`${file}: ${callee}`);
        if (/\.containers\.create$/.test(callee)) {
          stops.push(`${file}: ${callee}`);
          throw done;
        }
        if (target && !stack.has(target)) {
          const into = rel(target.getSourceFile().fileName);
          if (into !== file) stops.push(`${into}: ${name}`);
          walkFn(target);
          at(file);
        }
        return;
      }
      ts.forEachChild(n, visit);
    };
    try {
      ts.forEachChild(fn, visit);
    } finally {
      stack.delete(fn);
    }
  };
  try {
    walkFn(entry);
    return { reached: false, stops: stops.length };
  } catch (e) {
    if (e !== done) throw e;
  }
  const seen = new Set();
  let returns = 0;
  for (const f of trail) {
    if (seen.has(f)) returns++;
    seen.add(f);
  }
  const times = new Map();
  for (const st of stops) times.set(st, (times.get(st) ?? 0) + 1);
  const repeated = [...times].filter(([, n]) => n > 1).map(([st, n]) => `${st} ×${n}`);
  return {
    stops: stops.length,
    files: seen.size,
    returns,
    engineCalls: engineCalls.length,
    repeated,
    path: stops,
    engine: engineCalls,
  };
})();

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
  spawnPath: process.argv.includes("--path")
    ? spawnPath
    : spawnPath && { ...spawnPath, path: undefined, engine: undefined },
};
console.log(JSON.stringify(out, null, 2));
