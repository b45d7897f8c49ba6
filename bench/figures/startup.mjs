// Cold CLI processes: `hal9000 --version` and `hal9000 list` against a bare `node -e 0`. A new
// process each time, with the compile cache the first run left (as every run after a user's
// first); `list-no-cache` shows a run without it (HAL9000_COMPILE_CACHE=0).
export const version = {
  name: "version",
  title: "`hal9000 --version`",
  goal: { maxRatio: 1.3, text: "≤ 1.3× node" },
  run: async (bench, { compare, runs }) =>
    compare({
      name: "version",
      title: version.title,
      goal: version.goal,
      runs: runs ?? 15,
      baselines: [{ label: "node -e 0", fn: () => bench.node(["-e", "0"]) }],
      candidate: { label: "hal9000 --version", fn: () => bench.cli(["--version"]) },
    }),
};

export const list = {
  name: "list",
  title: "`hal9000 list`, cold process",
  goal: { maxRatio: 1.6, text: "≤ 1.6× node" },
  note: "the npm bin runs the CLI as one CommonJS file (dist/cli.cjs) from V8's code cache, which the first run writes to ~/.cache/hal9000 (list-no-cache shows a run without it), and Node's crypto, TLS, zlib, readline and child_process load on first use. What is left (--cpu-prof): deserializing the cache and evaluating the modules (~15 ms), Node's http client on its first request (~10 ms), dockerode's own setup (~8 ms), and two requests to the daemon (version and list; docker ps makes two as well). Before (ESM with every package in its own files): 2.06× at 17:25.",
  run: async (bench, { compare, runs }) => {
    await bench.parent(); // a parent to list workers of (none yet: the cost is the process)
    return compare({
      name: "list",
      title: list.title,
      goal: list.goal,
      note: list.note,
      runs: runs ?? 15,
      baselines: [
        { label: "node -e 0", fn: () => bench.node(["-e", "0"]) },
        {
          label: "docker ps",
          fn: () => bench.docker(["ps", "-a", "--filter", `label=hal9000.parent=${bench.parentName}`]),
        },
      ],
      candidate: { label: "hal9000 list", fn: () => bench.cli(["list"]) },
    });
  },
};

export const listNoCache = {
  name: "list-no-cache",
  title: "`hal9000 list`, cold process, no compile cache",
  goal: { text: "report: what the compile cache saves (HAL9000_COMPILE_CACHE=0)" },
  run: async (bench, { compare, runs }) => {
    await bench.parent();
    const env = { ...bench.env, HAL9000_COMPILE_CACHE: "0" };
    return compare({
      name: "list-no-cache",
      title: listNoCache.title,
      goal: listNoCache.goal,
      runs: runs ?? 15,
      baselines: [{ label: "node -e 0", fn: () => bench.node(["-e", "0"]) }],
      candidate: { label: "hal9000 list (no compile cache)", fn: () => bench.cli(["list"], { env }) },
    });
  },
};
