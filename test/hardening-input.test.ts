/**
 * Bad input cannot break hal9000: one row per input, each run through the built binary
 * (`node packages/cli/dist/bin.cjs`) against the real engine. A row that must fail prints what
 * was wrong and how to fix it (two lines, no stack), exits 1 (failure) or 2 (usage error), and
 * changes nothing: the containers of this suite's parent, hal9000 volumes, every file under the
 * suite's temp dir (HAL9000_HOME, the project, the row homes). A row that must work exits 0 and
 * mounts what the user meant. One parent for the file, started through the API.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, realpathSync } from "node:fs";
import { link, lstat, mkdir, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { Hal9000 } from "@hal9000/core";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, hal9000 } from "./cli-harness.js";
import {
  cleanupFleet,
  readAll,
  TEST_LABEL,
  tarOneFile,
  testEnv,
  uniqueName,
  waitFor,
} from "./helpers/index.js";

const docker = new Docker();
const parentName = uniqueName("hal9000-input");
/** Everything the rows may touch lives here, so one tree snapshot covers it. */
const base = realpathSync(mkdtempSync(path.join(tmpdir(), "hal9000-input-")));
const home = path.join(base, "home");
const project = path.join(base, "project");
const aFile = path.join(base, "a-file");
const deadSocket = path.join(base, "dead.sock");
/** Keeps running (claude would exit without an API): a worker that is still there to look at. */
const SLEEPER = `hal9000-test/input-sleeper:${randomBytes(4).toString("hex")}`;
const worker = (tag: string) => `${parentName}-${tag}`;
const INCUMBENT = worker("incumbent");
const PROC_HOME = `/proc/${parentName}`;

/** `hal9000 <args>` in this suite's home; a hang is killed after a minute and shows as a signal. */
function cli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  return hal9000(args, opts.env ?? cliEnv(home, parentName), { cwd: opts.cwd ?? base, timeoutMs: 60_000 });
}

// ---------------------------------------------------------------------------------------------
// The state a failing row must leave as it found it.

interface State {
  containers: string[];
  volumes: string[];
  files: string[];
}

/** What the running coordinator rewrites on its own every few seconds: its stats samples. */
const COORDINATOR_OWN = new RegExp(`^home/run/stats-${parentName}\\.json(\\.|$)`);

/** Names, types, sizes (of files) and modes; not times, which reads alone may change. */
async function tree(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(path.join(dir, rel))).sort()) {
    const p = path.join(rel, entry);
    if (COORDINATOR_OWN.test(p)) continue;
    const st = await lstat(path.join(dir, p));
    const kind = st.isDirectory() ? "dir" : st.isSymbolicLink() ? "link" : st.isFile() ? "file" : "other";
    out.push(`${p} ${kind} ${kind === "file" ? st.size : "-"} ${(st.mode & 0o7777).toString(8)}`);
    if (st.isDirectory()) out.push(...(await tree(dir, p)));
  }
  return out;
}

/** This suite's parent and its workers (other suites share the daemon), hal9000 volumes, the files. */
async function snapshot(): Promise<State> {
  const ours = [
    ...(await docker.listContainers({ all: true, filters: { label: [`hal9000.parent=${parentName}`] } })),
    ...(await docker.listContainers({ all: true, filters: { name: [parentName] } })).filter((c) =>
      c.Names.includes(`/${parentName}`),
    ),
  ];
  const { Volumes } = await docker.listVolumes();
  return {
    containers: ours.map((c) => `${c.Names[0]} ${c.Id} ${c.State}`).sort(),
    volumes: (Volumes ?? [])
      .filter((v) => Object.keys(v.Labels ?? {}).some((k) => k.startsWith("hal9000")))
      .map((v) => v.Name)
      .sort(),
    files: await tree(base),
  };
}

/** A container of that exact name anywhere on the daemon. */
async function containerNamed(name: string): Promise<boolean> {
  const all = await docker.listContainers({ all: true });
  return all.some((c) => c.Names.includes(`/${name}`));
}

// ---------------------------------------------------------------------------------------------
// The rows.

interface FailRow {
  row: string;
  args: string[];
  /** Extra environment (DOCKER_HOST, HAL9000_HOME) over the suite's. */
  env?: NodeJS.ProcessEnv;
  /** Writes what the row needs (a bad hal9000.conf) before the "before" snapshot. */
  prepare?: () => Promise<void>;
  /** 125: hal9000's own failure, usage errors included (the CLI's exit-code table). */
  code: 125;
  /** Key words of the first stderr line (what was wrong) and of the hint (how to fix). */
  says: (string | RegExp)[];
  hint: (string | RegExp)[];
  /** The worker name asked for: no container may carry it afterwards. */
  attempted?: string;
  /** --json: the error code of the one document on stdout. */
  json?: string;
}

const spawnArgs = (name: string, ...rest: string[]) => [
  "spawn",
  "-d",
  "-n",
  name,
  "-i",
  SLEEPER,
  ...rest,
  project,
];
const NAME_HINT = ["use 2-128 characters (letters, digits, '_', '.', '-')", "e.g. my-worker-1"];
const ONLY_LETTERS = "it may only contain letters, digits, '_', '.' and '-'";
const START_LETTER = "it must start with a letter or a digit";
const LONG = "w".repeat(300);

function nameRow(row: string, name: string, problem: string): FailRow {
  return {
    row,
    args: spawnArgs(name),
    code: 125,
    says: [`invalid worker name ${JSON.stringify(name)}: ${problem}`],
    hint: NAME_HINT,
    attempted: name,
  };
}

const nameRows: FailRow[] = [
  nameRow("a name with a space", "a b", ONLY_LETTERS),
  nameRow("a name with `;rm -rf /`", "a;rm -rf /", ONLY_LETTERS),
  nameRow("a name with $(id)", "$(id)", START_LETTER),
  nameRow("a name with backticks", "w`id`", ONLY_LETTERS),
  nameRow("a name with |", "a|b", ONLY_LETTERS),
  nameRow("a name with &", "a&b", ONLY_LETTERS),
  nameRow("a name with ../", "../w", START_LETTER),
  nameRow("a name with a slash", "a/b", ONLY_LETTERS),
  nameRow("a name of 300 characters", LONG, "it is 300 characters long (at most 128)"),
  nameRow("a name with unicode (wörker)", "wörker", ONLY_LETTERS),
  nameRow("a name that is an emoji", "🤖-bot", START_LETTER),
  nameRow("an empty name", "", "it is empty"),
  {
    ...nameRow("a leading dash given as --name=-foo", "-foo", START_LETTER),
    args: ["spawn", "-d", "--name=-foo", "-i", SLEEPER, project],
  },
  {
    // As docker's parser does, a value-taking option takes the next word (unless it is an option).
    ...nameRow("a leading dash: -n -foo", "-foo", START_LETTER),
    args: ["spawn", "-d", "-n", "-foo", "-i", SLEEPER, project],
  },
  {
    // -n last, with nothing after it: a usage error, before anything runs.
    row: "an option without its value: -n at the end",
    args: ["spawn", "-d", "-i", SLEEPER, project, "-n"],
    code: 125,
    says: ["option -n needs a value"],
    hint: ["usage: hal9000 spawn [-n NAME]"],
  },
];

const otherSpawnRows: FailRow[] = [
  {
    row: "a duplicate name (the running worker is untouched)",
    args: spawnArgs(INCUMBENT),
    code: 125,
    says: [`a worker named "${INCUMBENT}" already exists`],
    hint: ["choose another name", `hal9000 stop ${INCUMBENT}`],
  },
  {
    row: "a project path that does not exist",
    args: ["spawn", "-d", "-n", worker("p1"), "-i", SLEEPER, path.join(base, "no-such-dir")],
    code: 125,
    says: [`project directory "${path.join(base, "no-such-dir")}" does not exist`],
    hint: ["check the path", "relative path is resolved against the current directory"],
    attempted: worker("p1"),
  },
  {
    row: "a project path that is a file",
    args: ["spawn", "-d", "-n", worker("p2"), "-i", SLEEPER, aFile],
    code: 125,
    says: [`project "${aFile}" is not a directory`],
    hint: ["give the directory to mount at /workspace, not a file"],
    attempted: worker("p2"),
  },
  {
    row: "an image that does not exist (-i nope/none:missing)",
    args: ["spawn", "-d", "-n", worker("i1"), "-i", "nope/none:missing", project],
    code: 125,
    says: ['worker image "nope/none:missing" not found in the local Docker engine'],
    hint: ["docker image ls", "leave it out to use WORKER_IMAGE (hal9000/worker:latest)"],
    attempted: worker("i1"),
  },
  {
    // Once crashed the process with an unhandled dockerode error and a stack trace.
    row: "an image reference that climbs paths (-i ../../etc/passwd)",
    args: ["spawn", "-d", "-n", worker("i2"), "-i", "../../etc/passwd", project],
    code: 125,
    says: ['invalid worker image: "../../etc/passwd" is not a valid Docker image reference'],
    hint: ['use a name like "hal9000/worker:latest"'],
    attempted: worker("i2"),
  },
  {
    row: "an image reference with a space and a ! (-i 'Bad Image!')",
    args: ["spawn", "-d", "-n", worker("i3"), "-i", "Bad Image!", project],
    code: 125,
    says: ['invalid worker image: "Bad Image!" is not a valid Docker image reference'],
    hint: ["lowercase repository, optional :tag or @digest"],
    attempted: worker("i3"),
  },
];

/** A row with its own HAL9000_HOME holding `conf` as hal9000.conf. */
function configRow(
  row: string,
  slug: string,
  conf: () => string | Buffer,
  line: number,
  says: string[],
  hint: string[],
): FailRow {
  const rowHome = path.join(base, `conf-${slug}`);
  const file = path.join(rowHome, "config", "hal9000.conf");
  return {
    row,
    args: spawnArgs(worker(`c-${slug}`)),
    env: { HAL9000_HOME: rowHome },
    prepare: async () => {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, conf());
    },
    code: 125,
    says: [`${file}:${line}: `, ...says],
    hint,
    attempted: worker(`c-${slug}`),
  };
}

/** Random bytes with NULs and no newline: all on the line they start on. */
const junk = () => {
  const bytes = randomBytes(4096).map((b) => (b === 0x0a ? 0 : b));
  bytes[100] = 0;
  return Buffer.concat([Buffer.from("WORKER_CPUS=2\n"), bytes]);
};
/** 10 MB of 64-byte comment lines: 1024 of them fit in the first 64 KiB. */
const tenMegabytes = () => Buffer.from(`#${"x".repeat(62)}\n`.repeat((10 * 1024 * 1024) / 64));

const configRows: FailRow[] = [
  configRow(
    "hal9000.conf: an unknown key",
    "unknown",
    () => "WORKER_CPUS=2\nFOO_BAR=1\n",
    2,
    ['unknown key "FOO_BAR"'],
    ["known keys: WORKER_IMAGE"],
  ),
  configRow(
    "hal9000.conf: a bad number",
    "number",
    () => "# limits\n\nWORKER_MAX_COUNT=ten\n",
    3,
    ['WORKER_MAX_COUNT: "ten" is not a whole number'],
    ["use a whole number of workers from 1 to 1000"],
  ),
  configRow(
    "hal9000.conf: binary junk (random bytes with NULs)",
    "binary",
    junk,
    2,
    ["binary data (NUL bytes, control characters or invalid UTF-8)"],
    ["must be UTF-8 text", "hal9000 volumes init"],
  ),
  configRow(
    "hal9000.conf: a 10 MB file",
    "huge",
    tenMegabytes,
    1025,
    ["file is larger than 64 KiB; this is not a hal9000.conf"],
    ["keep hal9000.conf to KEY=value lines"],
  ),
  configRow(
    "hal9000.conf: a line without =",
    "noeq",
    () => "# ok\nWORKER_CPUS 2\n",
    2,
    ['expected KEY=value, found "WORKER_CPUS 2"'],
    ["write KEY=value, or start the line with #"],
  ),
  configRow(
    "hal9000.conf: a duplicate key",
    "dup",
    () => "WORKER_CPUS=2\nLOG_LEVEL=info\nWORKER_CPUS=3\n",
    3,
    ["WORKER_CPUS is set twice (lines 1 and 3)"],
    ["keep one WORKER_CPUS line and delete the other"],
  ),
];

const homeRows: FailRow[] = [
  {
    // Node's recursive mkdir never returns under /proc: this spawn used to spin forever.
    row: "HAL9000_HOME on /proc: spawn",
    args: spawnArgs(worker("h1")),
    env: { HAL9000_HOME: PROC_HOME },
    code: 125,
    says: [`HAL9000_HOME ${PROC_HOME} is on /proc, a kernel pseudo-filesystem where no files can be stored`],
    hint: ["set HAL9000_HOME (or --home) to a directory on disk"],
    attempted: worker("h1"),
  },
  {
    row: "HAL9000_HOME on /proc: init",
    args: ["init"],
    env: { HAL9000_HOME: PROC_HOME },
    code: 125,
    says: [`HAL9000_HOME ${PROC_HOME} is on /proc`],
    hint: ["set HAL9000_HOME (or --home) to a directory on disk"],
  },
  {
    row: "HAL9000_HOME under a regular file: spawn",
    args: spawnArgs(worker("h2")),
    env: { HAL9000_HOME: path.join(aFile, "home") },
    code: 125,
    says: [`${aFile} is a file, not a directory`],
    hint: [`move ${aFile} aside`, "set HAL9000_HOME (or --home) to another directory"],
    attempted: worker("h2"),
  },
];

const NO_SOCKET = "unix:///nonexistent.sock";
const dockerRows: FailRow[] = [NO_SOCKET, `unix://${deadSocket}`].flatMap((host) => {
  const missing = host === NO_SOCKET;
  const says = missing
    ? [`Cannot connect to Docker daemon: no socket at ${host}`]
    : [`Cannot connect to Docker daemon at ${host}: daemon is not running`];
  const hint = missing ? ["start Docker, or set DOCKER_HOST"] : ["start the Docker daemon"];
  const what = missing ? "no socket" : "a socket nothing listens on";
  const commands: [string, string[], string?][] = [
    ["spawn", spawnArgs(worker(missing ? "d1" : "d2")), worker(missing ? "d1" : "d2")],
    ["list", ["list"]],
    ["status", ["status"]],
    ["parent start", ["parent", "start"]],
  ];
  return commands.map(([command, args, attempted]) => ({
    row: `no Docker daemon (${what}): ${command}`,
    args,
    env: { DOCKER_HOST: host },
    code: 125,
    says,
    hint,
    attempted,
  }));
});

const jsonRows: FailRow[] = [
  { ...nameRow("--json: an invalid name", "a;b", ONLY_LETTERS), json: "INVALID_INPUT" },
  { ...(otherSpawnRows[1] as FailRow), row: "--json: a missing project", json: "INVALID_INPUT" },
  { ...(configRows[1] as FailRow), row: "--json: a bad number in hal9000.conf", json: "INVALID_CONFIG" },
  { ...(dockerRows[1] as FailRow), row: "--json: no Docker daemon (list)", json: "DOCKER_UNAVAILABLE" },
  { ...(nameRows.at(-1) as FailRow), row: "--json: a usage error (-n without its value)", json: "USAGE" },
].map((r) => ({ ...r, args: [...r.args, "--json"] }));

const failing: FailRow[] = [
  ...nameRows,
  ...otherSpawnRows,
  ...configRows,
  ...homeRows,
  ...dockerRows,
  ...jsonRows,
];

interface WorkRow {
  row: string;
  /** The project_dir as typed, and the directory the command runs in. */
  given: string;
  cwd: string;
  /** The host path that must be mounted at /workspace. */
  source: string;
}

const spaced = path.join(base, "my project");
const target = path.join(base, "real-target");
const odd = path.join(base, "odd $(id) `x` ;|& 'q\" name");
const working: WorkRow[] = [
  { row: "a project path with spaces", given: spaced, cwd: base, source: spaced },
  { row: "a relative path: spawn -d . (against the child's cwd)", given: ".", cwd: project, source: project },
  {
    row: "a symlink to a directory (the real path is mounted)",
    given: path.join(base, "link-to-target"),
    cwd: base,
    source: target,
  },
  {
    row: "a project path full of shell metacharacters (taken literally)",
    given: odd,
    cwd: base,
    source: odd,
  },
];

// ---------------------------------------------------------------------------------------------

async function buildSleeper(): Promise<void> {
  const dockerfile = `FROM debian:bookworm-slim\nLABEL ${TEST_LABEL}="${parentName}"\nCMD ["sleep", "infinity"]\n`;
  const stream = await docker.buildImage(Readable.from([tarOneFile("Dockerfile", dockerfile)]), {
    t: SLEEPER,
  });
  const text = await readAll(stream);
  if (/"errorDetail"/.test(text)) throw new Error(`building ${SLEEPER}: ${text}`);
}

/** Waits until nothing under the temp dir changes between two looks (the coordinator's start-up writes). */
async function settled(): Promise<void> {
  let last = "";
  await waitFor(
    "the files under HAL9000_HOME to settle",
    async () => {
      const now = JSON.stringify(await tree(base));
      const same = now === last;
      last = now;
      return same;
    },
    { intervalMs: 500 },
  );
}

beforeAll(async () => {
  await mkdir(project);
  await writeFile(path.join(project, "hello.txt"), "hello\n");
  await writeFile(aFile, "");
  for (const dir of [spaced, target, odd]) await mkdir(dir);
  await symlink(target, path.join(base, "link-to-target"));
  // A socket file nobody listens on: the listener's own path goes with it, a hard link stays.
  const server = createServer();
  const listening = path.join(base, "listening.sock");
  await new Promise<void>((resolve) => server.listen(listening, resolve));
  await link(listening, deadSocket);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await buildSleeper();

  const hal = await Hal9000.open({ home, env: testEnv(), flags: { parentName } });
  await hal.startParent();
  const coordinatorLog = path.join(home, "logs", "coordinator.log");
  const logged = (text: string) =>
    waitFor(`the coordinator to log "${text}"`, async () =>
      (await readFile(coordinatorLog, "utf8").catch(() => "")).includes(text),
    );
  await logged("coordinator started");
  // The worker a duplicate name collides with; its spawn also makes the home a used one (locks/).
  const first = await cli(spawnArgs(INCUMBENT));
  expect(first.code, first.stderr).toBe(0);
  await logged(`worker ${INCUMBENT} started`);
  await settled();
}, 300_000);

afterAll(async () => {
  await cleanupFleet(docker, parentName);
  await docker
    .getImage(SLEEPER)
    .remove({ force: true })
    .catch(() => undefined);
  await rm(base, { recursive: true, force: true });
});

describe(`bad input fails clearly and changes nothing (${failing.length} rows)`, () => {
  it.each(failing)("$row", async (row) => {
    await row.prepare?.();
    const incumbentBefore = await docker.getContainer(INCUMBENT).inspect();
    const before = await snapshot();

    const r = await cli(row.args, { env: cliEnv(home, parentName, row.env) });

    expect(r.signal, `hal9000 ${row.args.join(" ")} hung and was killed`).toBeNull();
    expect(r.code, r.stderr).toBe(row.code);
    // What was wrong, then how to fix it: two lines, no stack trace.
    const m = /^hal9000: (.+)\n {2}hint: (.+)\n$/.exec(r.stderr);
    expect(m, `stderr is not "hal9000: …\\n  hint: …":\n${r.stderr}`).not.toBeNull();
    const [, message = "", hint = ""] = m ?? [];
    for (const word of row.says) {
      if (typeof word === "string") expect(message).toContain(word);
      else expect(message).toMatch(word);
    }
    for (const word of row.hint) {
      if (typeof word === "string") expect(hint).toContain(word);
      else expect(hint).toMatch(word);
    }
    if (row.json) {
      // Exactly one JSON document on stdout, saying the same as stderr.
      expect(JSON.parse(r.stdout)).toEqual({ error: { code: row.json, message, hint } });
    } else {
      expect(r.stdout).toBe("");
    }

    expect(await snapshot()).toEqual(before);
    if (row.attempted !== undefined) expect(await containerNamed(row.attempted)).toBe(false);
    expect(existsSync(PROC_HOME)).toBe(false);
    const incumbentAfter = await docker.getContainer(INCUMBENT).inspect();
    expect(incumbentAfter.State.Running).toBe(true);
    expect(incumbentAfter.State.StartedAt).toBe(incumbentBefore.State.StartedAt);
  });
});

describe("a corrupt session record: status and list still work, and say which file and what to do", () => {
  const file = path.join(home, "sessions", `${worker("corrupt")}.json`);
  it.each([
    { command: ["status"], shows: `parent ${parentName}: running` },
    { command: ["list"], shows: INCUMBENT },
    { command: ["status", "--json"], shows: '"corruptRecords": 1' },
    { command: ["list", "--json"], shows: `"parent": "${parentName}"` },
  ])("hal9000 $command", async ({ command, shows }) => {
    await writeFile(file, '{"schemaVersion": 1, "name": "half a reco');
    try {
      const before = await snapshot();
      const r = await cli(command);
      expect(r.signal).toBeNull();
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(shows);
      if (command.includes("--json")) JSON.parse(r.stdout);
      expect(r.stderr).toMatch(
        new RegExp(
          `^warning: corrupt session record ${file}: invalid JSON \\(.+\\)\\n {2}hint: delete it \\(rm ${file}\\);`,
        ),
      );
      expect(await snapshot()).toEqual(before); // reported, not deleted behind the user's back
    } finally {
      await rm(file, { force: true });
    }
  });
});

describe(`unusual but good input works (${working.length} rows)`, () => {
  it.each(working.map((w, i) => ({ ...w, name: worker(`ok${i}`) })))("$row", async (row) => {
    const r = await cli(["spawn", "-d", "-n", row.name, "-i", SLEEPER, row.given], { cwd: row.cwd });
    expect(r.signal).toBeNull();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(`spawned worker ${row.name} (${SLEEPER}, project ${row.source})`);
    const info = await docker.getContainer(row.name).inspect();
    expect(info.State.Running).toBe(true);
    const workspace = info.Mounts.find((mt) => mt.Destination === "/workspace");
    expect(workspace?.Source).toBe(row.source);
    expect(info.Config.Labels["hal9000.project"]).toBe(row.source);

    const stopped = await cli(["stop", row.name]);
    expect(stopped.code, stopped.stderr).toBe(0);
    await waitFor(`${row.name} to be removed`, async () => !(await containerNamed(row.name)));
  });
});
