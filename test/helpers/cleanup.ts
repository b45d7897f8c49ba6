import type Docker from "dockerode";
import { TEST_LABEL } from "./names.js";

async function removeAll(docker: Docker, filters: Record<string, string[]>): Promise<string[]> {
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
  return containers.map((c) => (c.Names[0] ?? c.Id).replace(/^\//, ""));
}

/**
 * Removes, by label, everything a test made for one parent: its workers
 * (hal9000.parent=<name>), the parent itself (hal9000.role=parent and the name), and
 * containers the test labelled with TEST_LABEL=<owner>.
 */
export async function cleanupFleet(
  docker: Docker,
  parentName: string,
  owner = parentName,
): Promise<string[]> {
  const removed = [
    ...(await removeAll(docker, { label: [`hal9000.parent=${parentName}`] })),
    ...(await removeAll(docker, { label: [`${TEST_LABEL}=${owner}`] })),
  ];
  const parents = await docker.listContainers({
    all: true,
    filters: { label: ["hal9000.role=parent"], name: [parentName] },
  });
  for (const p of parents.filter((c) => c.Names.includes(`/${parentName}`))) {
    await docker
      .getContainer(p.Id)
      .remove({ force: true })
      .catch(() => undefined);
    removed.push(parentName);
  }
  return removed;
}
