/**
 * A name for the worker's UID: the images have no user for the host UID a worker runs as, so
 * a shell says "I have no name!" and `whoami` fails. hal9000 writes a passwd and a group file
 * per worker (the image's system accounts plus `worker` for its UID:GID, home /home/worker)
 * next to its credential, and core mounts them read-only over /etc/passwd and /etc/group.
 */
import path from "node:path";
import { writeFileAtomic } from "../atomic-write.js";
import type { HomeLayout } from "../home.js";
import { settleAll } from "../settle-all.js";
import { WORKER_HOME_PATH } from "./mounts.js";
import type { FileOwner } from "./owned-files.js";
import { ensureWorkerSecretsDir } from "./secrets.js";

/** The worker's user name in its shell. */
export const WORKER_USER_NAME = "worker";

/** Debian bookworm's base accounts (the worker images' /etc/passwd and /etc/group). */
const BASE_PASSWD = [
  "root:x:0:0:root:/root:/bin/bash",
  "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
  "bin:x:2:2:bin:/bin:/usr/sbin/nologin",
  "sys:x:3:3:sys:/dev:/usr/sbin/nologin",
  "sync:x:4:65534:sync:/bin:/bin/sync",
  "games:x:5:60:games:/usr/games:/usr/sbin/nologin",
  "man:x:6:12:man:/var/cache/man:/usr/sbin/nologin",
  "lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin",
  "mail:x:8:8:mail:/var/mail:/usr/sbin/nologin",
  "news:x:9:9:news:/var/spool/news:/usr/sbin/nologin",
  "uucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin",
  "proxy:x:13:13:proxy:/bin:/usr/sbin/nologin",
  "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin",
  "backup:x:34:34:backup:/var/backups:/usr/sbin/nologin",
  "list:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin",
  "irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin",
  "_apt:x:42:65534::/nonexistent:/usr/sbin/nologin",
  "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
];
const BASE_GROUP = [
  "root:x:0:",
  "daemon:x:1:",
  "bin:x:2:",
  "sys:x:3:",
  "adm:x:4:",
  "tty:x:5:",
  "disk:x:6:",
  "lp:x:7:",
  "mail:x:8:",
  "news:x:9:",
  "uucp:x:10:",
  "man:x:12:",
  "proxy:x:13:",
  "kmem:x:15:",
  "dialout:x:20:",
  "fax:x:21:",
  "voice:x:22:",
  "cdrom:x:24:",
  "floppy:x:25:",
  "tape:x:26:",
  "sudo:x:27:",
  "audio:x:29:",
  "dip:x:30:",
  "www-data:x:33:",
  "backup:x:34:",
  "operator:x:37:",
  "list:x:38:",
  "irc:x:39:",
  "src:x:40:",
  "shadow:x:42:",
  "utmp:x:43:",
  "video:x:44:",
  "sasl:x:45:",
  "plugdev:x:46:",
  "staff:x:50:",
  "games:x:60:",
  "users:x:100:",
  "nogroup:x:65534:",
];

const idOf = (line: string) => Number(line.split(":")[2]);

/** /etc/passwd and /etc/group for a worker running as `user` (pure). */
export function identityFiles(user: FileOwner): { passwd: string; group: string } {
  const passwd = BASE_PASSWD.filter((l) => idOf(l) !== user.uid && !l.startsWith(`${WORKER_USER_NAME}:`));
  passwd.push(`${WORKER_USER_NAME}:x:${user.uid}:${user.gid}:hal9000 worker:${WORKER_HOME_PATH}:/bin/bash`);
  const group = BASE_GROUP.filter((l) => idOf(l) !== user.gid);
  group.push(`${WORKER_USER_NAME}:x:${user.gid}:`);
  return { passwd: `${passwd.join("\n")}\n`, group: `${group.join("\n")}\n` };
}

/** Writes them into the worker's private directory; returns their local paths. */
export async function writeIdentityFiles(
  layout: HomeLayout,
  name: string,
  user: FileOwner,
): Promise<{ passwd: string; group: string }> {
  const dir = await ensureWorkerSecretsDir(layout, name);
  const files = identityFiles(user);
  const passwd = path.join(dir, "passwd");
  const group = path.join(dir, "group");
  await settleAll([
    writeFileAtomic(passwd, files.passwd, { mode: 0o644 }),
    writeFileAtomic(group, files.group, { mode: 0o644 }),
  ]);
  return { passwd, group };
}
