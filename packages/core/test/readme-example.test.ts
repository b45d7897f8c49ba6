import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const read = (file: string) => readFileSync(new URL(file, import.meta.url), "utf8");

describe("the README's tasks example", () => {
  it("is examples/three-tasks.ts (type-checked by `pnpm typecheck`), word for word", () => {
    const readme = read("../../../README.md");
    const example = read("../../../examples/three-tasks.ts");
    const start = readme.indexOf("Three headless tasks, two at a time");
    expect(start).toBeGreaterThan(0);
    const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(start))?.[1];
    // The file's code: everything after its header comment.
    const code = example.slice(example.indexOf("*/\n") + 3);
    expect(block).toBe(code);
  });
});
