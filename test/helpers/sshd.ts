/**
 * An OpenSSH server on a loopback port, for DOCKER_HOST=ssh:// tests: its own host key,
 * config and authorized_keys under a temp dir, run in the foreground as a child of the test
 * (never a system service). It logs in as the current user, whose `docker` CLI answers
 * `docker system dial-stdio` against the machine's engine. The client side gets a HOME with
 * ~/.ssh/id_ed25519 and a known_hosts that trusts this server.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { userInfo } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { waitFor } from "./wait.js";

const run = promisify(execFile);
export const SSHD = "/usr/sbin/sshd";

export interface Sshd {
  host: string;
  port: number;
  user: string;
  /** A HOME whose ~/.ssh holds the client key and a known_hosts entry for this server. */
  clientHome: string;
  /** The server's public host key line (`ssh-ed25519 AAAA…`). */
  hostKey: string;
  log(): Promise<string>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

async function keygen(file: string): Promise<string> {
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "hal9000-test", "-f", file]);
  return (await readFile(`${file}.pub`, "utf8")).split(" ").slice(0, 2).join(" ");
}

export async function startSshd(dir: string): Promise<Sshd> {
  const serverDir = path.join(dir, "server");
  const clientHome = path.join(dir, "client-home");
  await mkdir(serverDir, { recursive: true });
  await mkdir(path.join(clientHome, ".ssh"), { recursive: true, mode: 0o700 });
  await mkdir("/run/sshd", { recursive: true }); // its privilege-separation directory
  const hostKey = await keygen(path.join(serverDir, "host_ed25519"));
  const clientKey = await keygen(path.join(clientHome, ".ssh", "id_ed25519"));
  await writeFile(path.join(serverDir, "authorized_keys"), `${clientKey}\n`, { mode: 0o600 });
  const port = await freePort();
  await writeFile(path.join(clientHome, ".ssh", "known_hosts"), `[127.0.0.1]:${port} ${hostKey}\n`);
  const config = [
    `Port ${port}`,
    "ListenAddress 127.0.0.1",
    `HostKey ${serverDir}/host_ed25519`,
    `AuthorizedKeysFile ${serverDir}/authorized_keys`,
    `PidFile ${serverDir}/sshd.pid`,
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "PermitRootLogin prohibit-password",
    "StrictModes no", // the temp dir's parents (/tmp) are world-writable
    "UsePAM no",
    "LogLevel VERBOSE",
  ];
  await writeFile(path.join(serverDir, "sshd_config"), `${config.join("\n")}\n`);
  const logFile = path.join(serverDir, "sshd.log");
  const proc: ChildProcess = spawn(SSHD, ["-D", "-f", path.join(serverDir, "sshd_config"), "-E", logFile], {
    stdio: "ignore",
  });
  const log = () => readFile(logFile, "utf8").catch(() => "");
  let failure = "";
  proc.once("error", (err) => {
    failure = err.message;
  });
  const exited = new Promise<void>((resolve) => proc.once("close", () => resolve()));
  const died = exited.then(async () => {
    throw new Error(`sshd exited before listening${failure ? ` (${failure})` : ""}:\n${await log()}`);
  });
  await Promise.race([
    waitFor(
      "sshd listening",
      async () => (await log()).includes(`Server listening on 127.0.0.1 port ${port}`),
      {
        timeoutMs: 20_000,
      },
    ),
    died,
  ]);
  died.catch(() => undefined); // it exits on stop() later
  return {
    host: "127.0.0.1",
    port,
    user: userInfo().username,
    clientHome,
    hostKey,
    log,
    stop: async () => {
      if (proc.exitCode === null) proc.kill("SIGTERM");
      await exited;
    },
  };
}
