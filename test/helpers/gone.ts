import type Docker from "dockerode";

/** True once the engine has no container of that name (404 on inspect); false while it has one. */
export function containerGone(docker: Docker, name: string): Promise<boolean> {
  return docker
    .getContainer(name)
    .inspect()
    .then(
      () => false,
      (err: { statusCode?: number }) => err.statusCode === 404,
    );
}
