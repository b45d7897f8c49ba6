// Preloaded with --import: prints the process's peak RSS (KiB) to stderr as it exits.
process.on("exit", () => process.stderr.write(`\nmaxrss=${process.resourceUsage().maxRSS}\n`));
