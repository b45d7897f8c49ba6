// A baseline "with the same options" as a worker hal9000 made: read back from its inspect
// document, so the baseline follows whatever hal9000 asks of Docker without restating it.

/** The Engine API create body of `inspect`'s container, under another name and bench labels. */
export function createBodyLike(inspect, name, labels) {
  const c = inspect.Config;
  const h = inspect.HostConfig;
  return {
    name,
    Image: c.Image,
    Cmd: c.Cmd,
    Entrypoint: c.Entrypoint,
    Env: c.Env,
    User: c.User,
    WorkingDir: c.WorkingDir,
    Tty: c.Tty,
    OpenStdin: c.OpenStdin,
    Labels: labels,
    HostConfig: {
      NetworkMode: h.NetworkMode,
      AutoRemove: h.AutoRemove,
      Init: h.Init,
      Mounts: h.Mounts,
      Memory: h.Memory,
      NanoCpus: h.NanoCpus,
      PidsLimit: h.PidsLimit,
      CapDrop: h.CapDrop,
      CapAdd: h.CapAdd,
      SecurityOpt: h.SecurityOpt,
    },
  };
}

/**
 * The same as `docker run -d` arguments; `foreground` runs a command to its end instead
 * (no -d, no TTY, removed after), with `env` added.
 */
export function dockerRunArgsLike(inspect, name, labels, foreground) {
  const c = inspect.Config;
  const h = inspect.HostConfig;
  const args = ["run", ...(foreground ? ["--rm"] : ["-d"]), "--name", name];
  for (const [k, v] of Object.entries(labels)) args.push("--label", `${k}=${v}`);
  if (h.NetworkMode) args.push("--network", h.NetworkMode);
  if (h.AutoRemove && !foreground) args.push("--rm");
  if (h.Init) args.push("--init");
  for (const m of h.Mounts ?? []) {
    args.push(
      "--mount",
      `type=${m.Type},source=${m.Source},target=${m.Target}${m.ReadOnly ? ",readonly" : ""}`,
    );
  }
  if (h.Memory) args.push("--memory", String(h.Memory));
  if (h.NanoCpus) args.push("--cpus", String(h.NanoCpus / 1e9));
  if (h.PidsLimit) args.push("--pids-limit", String(h.PidsLimit));
  for (const cap of h.CapDrop ?? []) args.push("--cap-drop", cap);
  for (const cap of h.CapAdd ?? []) args.push("--cap-add", cap);
  for (const opt of h.SecurityOpt ?? []) args.push("--security-opt", opt);
  for (const e of [...(c.Env ?? []), ...(foreground?.env ?? [])]) args.push("--env", e);
  if (c.User) args.push("--user", c.User);
  if (c.WorkingDir) args.push("--workdir", c.WorkingDir);
  if (c.Tty && !foreground) args.push("-t");
  if (c.OpenStdin && !foreground) args.push("-i");
  args.push(c.Image, ...(foreground?.cmd ?? c.Cmd ?? []));
  return args;
}
