import { fileURLToPath } from "node:url";
import { ConfigError } from "@hal9000/volumes";
import { describe, expect, test } from "vitest";
import { cliBundlePath } from "../src/bundle-path.js";
import { CancelledError, reportOf, UsageError } from "../src/errors.js";
import { closest, formatBytes, formatDuration, table } from "../src/format.js";
import { BuildProgress } from "../src/progress.js";
import { colorSupport, stripAnsi, style } from "../src/style.js";

describe("format", () => {
  test("sizes are decimal, as Docker counts them", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(1500)).toBe("1.5 KB");
    expect(formatBytes(469_000_000)).toBe("469 MB");
    expect(formatBytes(2_850_000_000)).toBe("2.9 GB");
    expect(formatBytes(null)).toBe("-");
  });

  test("durations", () => {
    expect(formatDuration(5)).toBe("5s");
    expect(formatDuration(125)).toBe("2m05s");
    expect(formatDuration(3 * 3600 + 7 * 60)).toBe("3h07m");
    expect(formatDuration(2 * 86400 + 3600)).toBe("2d01h");
    expect(formatDuration(null)).toBe("-");
  });

  test("tables align on visible width, ANSI styling included", () => {
    const s = style(true);
    expect(
      table(
        ["A", "B"],
        [
          [s.bold("xx"), "1"],
          ["y", "22"],
        ],
      ).map(stripAnsi),
    ).toEqual(["A   B", "xx  1", "y   22"]);
  });

  test("suggestions only for near misses", () => {
    expect(closest("lst", ["list", "stop"])).toBe("list");
    expect(closest("stauts", ["status", "stop"])).toBe("status");
    expect(closest("xyzzy", ["list", "stop"])).toBeUndefined();
  });
});

describe("colour", () => {
  test("only on a TTY, and NO_COLOR (non-empty) turns it off", () => {
    expect(colorSupport(true, {})).toBe(true);
    expect(colorSupport(false, {})).toBe(false);
    expect(colorSupport(true, { NO_COLOR: "1" })).toBe(false);
    expect(colorSupport(true, { NO_COLOR: "" })).toBe(true);
  });
});

describe("errors", () => {
  test("usage errors and failures exit 125, a cancel 130", () => {
    expect(reportOf(new UsageError("bad", "fix"))).toEqual({
      code: "USAGE",
      message: "bad",
      hint: "fix",
      exitCode: 125,
    });
    expect(reportOf(new CancelledError("no")).exitCode).toBe(130);
  });

  test("package errors keep their code and hint; config errors say where", () => {
    const err = new ConfigError('"x" is not a number', {
      hint: "use a number",
      file: "/h/config/hal9000.conf",
      line: 3,
    });
    expect(reportOf(err)).toEqual({
      code: "INVALID_CONFIG",
      message: '/h/config/hal9000.conf:3: "x" is not a number',
      hint: "use a number",
      exitCode: 125,
    });
  });

  test("package errors are recognised by brand, also from another copy of the packages; a look-alike is not", () => {
    // What a second bundled copy of @hal9000/core throws: another class, the same brand.
    const otherCopy = Object.assign(new Error("no worker named w1"), {
      code: "NOT_FOUND",
      hint: "see the workers with `hal9000 list`",
      [Symbol.for("hal9000.error")]: true,
    });
    expect(reportOf(otherCopy)).toEqual({
      code: "NOT_FOUND",
      message: "no worker named w1",
      hint: "see the workers with `hal9000 list`",
      exitCode: 125,
    });
    const lookAlike = Object.assign(new Error("EACCES: permission denied"), { code: "EACCES", hint: "x" });
    expect(reportOf(lookAlike)).toEqual({
      code: "INTERNAL",
      message: "EACCES: permission denied",
      hint: "run again with --verbose for details",
      exitCode: 125,
    });
  });

  test("unknown errors: INTERNAL, one line, a hint to rerun with --verbose", () => {
    const err = Object.assign(new Error("socket hang up\n  at somewhere"), { code: "ECONNRESET" });
    expect(reportOf(err)).toEqual({
      code: "INTERNAL",
      message: "socket hang up at somewhere",
      hint: "run again with --verbose for details",
      exitCode: 125,
    });
  });
});

describe("build progress", () => {
  const sink = () => {
    const out = { text: "", columns: 40, write: (s: string | Uint8Array) => (out.text += String(s)) };
    return out;
  };

  test("plain: one line per event, log lines only when verbose", () => {
    const out = sink();
    const p = new BuildProgress(out, { live: false, verbose: false, style: style(false) });
    p.onEvent({ target: "worker", kind: "fetch", message: "fetching claude 2.1.0" });
    p.onEvent({ target: "worker", kind: "log", message: "noise" });
    p.onEvent({ target: "worker", kind: "done", message: "built  hal9000/worker:latest\n" });
    expect(out.text).toBe("[worker] fetching claude 2.1.0\n[worker] built hal9000/worker:latest\n");
  });

  test("live: one line per image, redrawn in place and cut to the terminal width", () => {
    const out = sink();
    const p = new BuildProgress(out, { live: true, verbose: false, style: style(false) });
    p.onEvent({
      target: "parent",
      kind: "step",
      message: "Step 1/5 : FROM debian:bookworm-slim and a very long tail",
    });
    expect(out.text).toBe("\r\u001b[2K… parent Step 1/5 : FROM debian:bookwor\n");
    p.onEvent({ target: "worker", kind: "step", message: "Step 1/3" });
    p.onEvent({ target: "parent", kind: "done", message: "built" });
    const last = out.text.slice(out.text.lastIndexOf("\u001b[2A"));
    expect(last).toBe("\u001b[2A\r\u001b[2K✓ parent built\n\r\u001b[2K… worker Step 1/3\n");
  });
});

describe("cliBundlePath", () => {
  test("points at dist/bundle/hal9000.cjs of this package (built or not)", () => {
    expect(cliBundlePath()).toBe(fileURLToPath(new URL("../dist/bundle/hal9000.cjs", import.meta.url)));
  });
});
