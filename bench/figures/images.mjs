// Image figures: what the ultramin worker (hal9000/worker) weighs above its Claude binary.
import { LABEL_CLAUDE_SIZE } from "@hal9000/images";

export const ultramin = {
  name: "ultramin",
  title: "worker-ultramin above its Claude binary",
  goal: { max: 60, text: "≤ 60 MB (seed: 263 MB)" },
  run: async (bench, { figure }) => {
    const hal = await bench.api();
    const image = hal.config.workerImage;
    return figure({
      name: "ultramin",
      title: ultramin.title,
      unit: "MB",
      runs: 1,
      goal: ultramin.goal,
      label: `${image} minus the claude binary`,
      fn: async () => {
        const info = await hal.docker.getImage(image).inspect();
        const claude = Number(info.Config.Labels?.[LABEL_CLAUDE_SIZE]);
        if (!Number.isFinite(claude)) throw new Error(`${image} has no ${LABEL_CLAUDE_SIZE} label`);
        return (info.Size - claude) / 1e6;
      },
    });
  },
};
