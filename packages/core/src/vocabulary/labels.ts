// The labels are defined once, in @hal9000/volumes (the bottom package); core's wings import them here.
export {
  isOwned,
  isWorkerOf,
  LABEL_BRANCH,
  LABEL_DETACHED,
  LABEL_HOST_HOME,
  LABEL_PARENT,
  LABEL_PROJECT,
  LABEL_REMOVE_ON_EXIT,
  LABEL_ROLE,
  LABEL_VERSION,
  LABEL_WORKER_HOME,
  labelFlag,
  type Role,
  roleFilter,
} from "@hal9000/volumes";
