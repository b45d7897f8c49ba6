/**
 * hal9000.conf: the seed's `KEY=value` format, strictly validated (every error names the file, the
 * line and the fix), and the precedence flag > HAL9000_<KEY> env > file > default.
 */
import { open } from "node:fs/promises";
import { join } from "node:path";
import {
  CONFIG_KEYS,
  type ConfigKeySpec,
  type ConfigSource,
  defaultConfig,
  envName,
  flagName,
  type Hal9000Config,
  keySpec,
} from "./config-keys.js";
import { closest } from "./did-you-mean.js";
import { ConfigError } from "./errors.js";
import { blockingFile } from "./home-path.js";

/** Larger than any hand-written config; anything bigger is not one. */
export const MAX_CONFIG_BYTES = 64 * 1024;
export const CONFIG_DIR_NAME = "config";
export const CONFIG_FILE_NAME = "hal9000.conf";

export function configFilePath(home: string): string {
  return join(home, CONFIG_DIR_NAME, CONFIG_FILE_NAME);
}

// Any C0 control except tab/CR/LF, DEL, or U+FFFD (what invalid UTF-8 decodes to).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const JUNK_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/;

function lineOfByte(text: string, byteOffset: number): number {
  const head = Buffer.from(text, "utf8").subarray(0, byteOffset);
  let line = 1;
  for (const b of head) if (b === 0x0a) line++;
  return line;
}

function tooBig(file: string, line: number): ConfigError {
  return new ConfigError(
    `${file}:${line}: file is larger than ${MAX_CONFIG_BYTES / 1024} KiB; this is not a hal9000.conf`,
    {
      file,
      line,
      hint: `keep hal9000.conf to KEY=value lines (delete it and run \`hal9000 volumes init\` for a fresh one)`,
    },
  );
}

function suggestKey(key: string): string | undefined {
  const upper = key
    .toUpperCase()
    .replace(/^HAL9000_/, "")
    .replaceAll("-", "_");
  if (keySpec(upper)) return upper;
  return closest(
    upper,
    CONFIG_KEYS.map((k) => k.name),
    2,
  );
}

/** The value part of a line: surrounding quotes removed, an unquoted ` # comment` dropped. */
function unquote(raw: string): { value: string } | { problem: string } {
  const q = raw[0];
  if (q === '"' || q === "'") {
    const end = raw.indexOf(q, 1);
    if (end < 0) return { problem: `unterminated ${q} quote` };
    const rest = raw.slice(end + 1).trim();
    if (rest !== "" && !rest.startsWith("#"))
      return { problem: `unexpected text after the closing quote: "${rest}"` };
    return { value: raw.slice(1, end).trim() };
  }
  return { value: raw.replace(/\s+#.*$/, "").trim() };
}

/**
 * Every problem in a config text, in line order (empty when valid), plus what it sets.
 * Binary junk or an oversized file stops the scan: the rest would be noise.
 */
export function checkConfig(
  text: string,
  file: string,
): { values: Partial<Hal9000Config>; errors: ConfigError[] } {
  const values: Partial<Hal9000Config> = {};
  const errors: ConfigError[] = [];
  if (Buffer.byteLength(text, "utf8") > MAX_CONFIG_BYTES) {
    return { values: {}, errors: [tooBig(file, lineOfByte(text, MAX_CONFIG_BYTES))] };
  }
  const lines = text.replace(/^\ufeff/, "").split("\n");
  const seen = new Map<string, number>();
  for (const [i, rawLine] of lines.entries()) {
    const line = i + 1;
    const at = `${file}:${line}`;
    if (JUNK_RE.test(rawLine)) {
      errors.push(
        new ConfigError(
          `${at}: binary data (NUL bytes, control characters or invalid UTF-8); this is not a text config`,
          {
            file,
            line,
            hint: "hal9000.conf must be UTF-8 text; delete it and run `hal9000 volumes init` to write a fresh one",
          },
        ),
      );
      break;
    }
    const trimmed = rawLine.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const eq = trimmed.indexOf("=");
    if (eq < 0) {
      errors.push(
        new ConfigError(`${at}: expected KEY=value, found "${trimmed.slice(0, 60)}"`, {
          file,
          line,
          hint: "write KEY=value, or start the line with # to make it a comment",
        }),
      );
      continue;
    }
    const key = trimmed.slice(0, eq).trim();
    const spec = keySpec(key);
    if (!spec) {
      const guess = key === "" ? undefined : suggestKey(key);
      errors.push(
        new ConfigError(key === "" ? `${at}: missing key before "="` : `${at}: unknown key "${key}"`, {
          file,
          line,
          key,
          hint: `${guess ? `did you mean ${guess}? ` : ""}known keys: ${CONFIG_KEYS.map((k) => k.name).join(", ")}`,
        }),
      );
      continue;
    }
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push(
        new ConfigError(`${at}: ${key} is set twice (lines ${first} and ${line})`, {
          file,
          line,
          key,
          hint: `keep one ${key} line and delete the other`,
        }),
      );
      continue;
    }
    seen.set(key, line);
    const unq = unquote(trimmed.slice(eq + 1).trim());
    if ("problem" in unq) {
      errors.push(
        new ConfigError(`${at}: ${key}: ${unq.problem}`, { file, line, key, hint: `write ${key}="value"` }),
      );
      continue;
    }
    if (unq.value === "") {
      errors.push(
        new ConfigError(`${at}: ${key} has no value`, {
          file,
          line,
          key,
          hint: `set a value, or delete the line to use the default (${String(spec.default)})`,
        }),
      );
      continue;
    }
    const parsed = spec.parse(unq.value);
    if (!parsed.ok) {
      errors.push(
        new ConfigError(`${at}: ${key}: ${parsed.problem}`, { file, line, key, hint: parsed.hint }),
      );
      continue;
    }
    (values as Record<string, unknown>)[spec.prop] = parsed.value;
  }
  return { values, errors };
}

/** Parse hal9000.conf text; throws the first ConfigError (with file and line). */
export function parseConfig(text: string, file: string): Partial<Hal9000Config> {
  const { values, errors } = checkConfig(text, file);
  if (errors[0]) throw errors[0];
  return values;
}

function layerValue(spec: ConfigKeySpec, value: unknown, where: string, label: string): unknown {
  const parsed = spec.parse(String(value).trim());
  if (!parsed.ok)
    throw new ConfigError(`${label}: ${parsed.problem}`, { key: spec.name, file: where, hint: parsed.hint });
  return parsed.value;
}

/** Pure precedence: flag > HAL9000_<KEY> env > file > default. Bad flag or env values throw ConfigError. */
export function resolveConfig(layers: {
  flags?: Partial<Hal9000Config>;
  env?: NodeJS.ProcessEnv;
  file?: Partial<Hal9000Config>;
}): { config: Hal9000Config; sources: Record<keyof Hal9000Config, ConfigSource> } {
  const config = defaultConfig() as unknown as Record<string, unknown>;
  const sources = {} as Record<keyof Hal9000Config, ConfigSource>;
  for (const spec of CONFIG_KEYS) {
    const flag = layers.flags?.[spec.prop];
    const envVar = envName(spec);
    const env = layers.env?.[envVar];
    const file = layers.file?.[spec.prop];
    if (flag !== undefined) {
      config[spec.prop] = layerValue(spec, flag, flagName(spec), flagName(spec));
      sources[spec.prop] = "flag";
    } else if (env !== undefined && env.trim() !== "") {
      config[spec.prop] = layerValue(spec, env, `$${envVar}`, `environment variable ${envVar}`);
      sources[spec.prop] = "env";
    } else if (file !== undefined) {
      config[spec.prop] = layerValue(spec, file, CONFIG_FILE_NAME, `${CONFIG_FILE_NAME}: ${spec.name}`);
      sources[spec.prop] = "file";
    } else {
      sources[spec.prop] = "default";
    }
  }
  return { config: config as unknown as Hal9000Config, sources };
}

/**
 * Read a config file without trusting its size: at most MAX_CONFIG_BYTES + 1 bytes are read.
 * `undefined` when it does not exist.
 */
export async function readConfigText(file: string): Promise<string | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, "r");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    const blocker = code === "ENOTDIR" ? await blockingFile(file) : undefined;
    if (blocker !== undefined) {
      throw new ConfigError(`${file}: cannot read the config file: ${blocker} is a file, not a directory`, {
        file,
        cause: err,
        hint: `HAL9000_HOME and its config/ must be directories: move ${blocker} aside, or set HAL9000_HOME (or --home) to another directory`,
      });
    }
    throw new ConfigError(`${file}: cannot read the config file (${code ?? String(err)})`, {
      file,
      cause: err,
      hint: code === "EACCES" ? `make it readable: chmod 644 ${file}` : "check the path and its permissions",
    });
  }
  try {
    const buf = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let n = 0;
    try {
      while (n < buf.length) {
        const { bytesRead } = await handle.read(buf, n, buf.length - n, n);
        if (bytesRead === 0) break;
        n += bytesRead;
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ConfigError(
        `${file}: cannot read the config file (${code === "EISDIR" ? "it is a directory" : (code ?? String(err))})`,
        {
          file,
          cause: err,
          hint:
            code === "EISDIR"
              ? `move the directory aside and run \`hal9000 volumes init\` to write ${CONFIG_FILE_NAME}`
              : "check the file and its permissions",
        },
      );
    }
    const bytes = buf.subarray(0, n);
    if (n > MAX_CONFIG_BYTES) {
      let line = 1;
      for (const b of bytes.subarray(0, MAX_CONFIG_BYTES)) if (b === 0x0a) line++;
      throw tooBig(file, line);
    }
    // Non-fatal decoding: invalid UTF-8 becomes U+FFFD, which checkConfig reports with its line.
    return new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  } finally {
    await handle.close();
  }
}

/** Config for a HAL9000_HOME: its hal9000.conf (if any) under env and flags. */
export async function loadConfig(opts: {
  home: string;
  env?: NodeJS.ProcessEnv;
  flags?: Partial<Hal9000Config>;
}): Promise<{
  config: Hal9000Config;
  sources: Record<keyof Hal9000Config, ConfigSource>;
  file: string;
  fileExists: boolean;
}> {
  const file = configFilePath(opts.home);
  const text = await readConfigText(file);
  const values = text === undefined ? {} : parseConfig(text, file);
  const resolved = resolveConfig({ flags: opts.flags, env: opts.env ?? process.env, file: values });
  return { ...resolved, file, fileExists: text !== undefined };
}

/** A commented hal9000.conf listing every key with its default: all lines commented, so defaults keep applying. */
export function defaultConfigText(): string {
  const out = [
    "# hal9000 configuration: HAL9000_HOME/config/hal9000.conf",
    "#",
    "# Format: KEY=value, one per line. Blank lines and lines starting with # are ignored;",
    "# values may be quoted (\"...\" or '...'). Each key below shows its built-in default:",
    "# remove the leading '# ' to change it.",
    "# Precedence: command-line flag > HAL9000_<KEY> environment variable > this file > default.",
    "",
  ];
  for (const spec of CONFIG_KEYS) {
    out.push(`# ${spec.description}`, `# ${spec.name}=${String(spec.default)}`, "");
  }
  return out.join("\n");
}
