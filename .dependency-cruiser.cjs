// Layering check (part of `pnpm lint`): packages import downward only
// (volumes <- core <- images <- cli), core's wings import downward only, and nothing imports in a
// cycle. A wing is a folder of packages/core/src; files at its root (hal9000.ts, index.ts) are the
// facade on top.
const CORE = "^packages/core/src/";
/** packages/core/src wings, bottom first: a wing may import its own files and the wings before it. */
const WINGS = [
  "vocabulary",
  "engine",
  "context",
  "parent",
  "worker",
  "mcp",
  "branches",
  "spawn",
  "fleet",
  "tasks",
  "terminal",
  "coordinator",
];

const wingRules = WINGS.map((wing, i) => {
  const above = [...WINGS.slice(i + 1).map((w) => `${w}/`), "[^/]+$"];
  return {
    name: `core-${wing}-imports-down`,
    comment: `core/${wing} may import only ${WINGS.slice(0, i).join(", ") || "nothing else in core"} (wings below it)`,
    severity: "error",
    from: { path: `${CORE}${wing}/` },
    to: { path: `${CORE}(${above.join("|")})` },
  };
});

/** The packages, bottom first: folder and name. */
const PACKAGES = [
  ["packages/volumes", "volumes"],
  ["packages/core", "core"],
  ["images", "images"],
  ["packages/mcp", "mcp"],
  ["packages/cli", "cli"],
];
const packageRules = PACKAGES.slice(0, -1).map(([folder, name], i) => {
  const above = PACKAGES.slice(i + 1);
  return {
    name: `${name}-imports-down`,
    comment: `@hal9000/${name} may not import ${above.map(([, n]) => `@hal9000/${n}`).join(", ")}`,
    severity: "error",
    from: { path: `^${folder}/src/` },
    // Resolved (a declared dependency) or not (an undeclared one): either way it points up.
    to: {
      path: `^(${above.map(([f]) => f).join("|")})/|^@hal9000/(${above.map(([, n]) => n).join("|")})(/|$)`,
    },
  };
});

/**
 * Issue 8 §3: only @hal9000/volumes touches the file system under HAL9000_HOME; core decides and
 * calls it. So no file of core imports node:fs, except these, which touch only paths outside the
 * home (type-only imports do not count).
 */
const CORE_FS_OUTSIDE_HOME = [
  // Docker's own configuration: ~/.docker contexts, TLS certificates, ssh keys and known_hosts.
  "engine/connection.ts",
  "engine/endpoint.ts",
  "engine/known-hosts.ts",
  "engine/ssh.ts",
  // The user's project directory (resolveProject) and the owner of a given path.
  "context/host-paths.ts",
  // The host's ~/.claude for mountClaudeConfig (read, never written).
  "worker/host-claude-config.ts",
  // The user's own git repository (its objects' alternates, its working tree, its .worktreeinclude).
  "branches/repo.ts",
  "branches/merge.ts",
  "branches/worktree-include.ts",
  // A temporary git index in the OS temp directory.
  "branches/state.ts",
];
/**
 * Files that still touch the home themselves: each is to move its file work into volumes, and
 * leaves this list when it does. Never add a file here; the list only shrinks.
 */
const CORE_FS_UNDER_HOME_TO_MOVE = [];
const coreFsAllowed = [...CORE_FS_OUTSIDE_HOME, ...CORE_FS_UNDER_HOME_TO_MOVE].map((f) =>
  f.replace(/[.]/g, "[.]"),
);

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "an import cycle ties files together that should be understood one at a time",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "engine-only-in-core-engine",
      comment:
        "only packages/core/src/engine speaks the Engine API (dockerode); everything else asks its Engine client",
      severity: "error",
      from: { pathNot: `${CORE}engine/` },
      to: { path: "(^|/)node_modules/(@types/)?dockerode/" },
    },
    {
      name: "core-no-fs-under-home",
      comment:
        "only @hal9000/volumes touches files under HAL9000_HOME: core decides what and calls volumes (prepareWorkerHome, workerHomeExists, hookEventsSize, homeOwner, watchHome, …). A file of core that touches only paths outside the home goes into CORE_FS_OUTSIDE_HOME in .dependency-cruiser.cjs, saying which paths",
      severity: "error",
      from: { path: CORE, pathNot: `${CORE}(${coreFsAllowed.join("|")})$` },
      to: { dependencyTypes: ["core"], dependencyTypesNot: ["type-only"], path: "^(node:)?fs(/promises)?$" },
    },
    ...wingRules,
    ...packageRules,
    {
      name: "cli-commands-call-the-facade",
      comment:
        "a command parses, calls the Hal9000 facade (ctx.open()) and prints: from @hal9000/core and @hal9000/volumes it imports types only",
      severity: "error",
      from: { path: "^packages/cli/src/commands/" },
      to: {
        path: "^packages/(core|volumes)/|^@hal9000/(core|volumes)(/|$)",
        dependencyTypesNot: ["type-only"],
      },
    },
  ],
  options: {
    // Other packages are seen through their built entry points (dist): checked, not followed.
    doNotFollow: { path: "(^|/)(node_modules|dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.base.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "types", "default"],
    },
  },
};
