// The realtrain suites' command-line flags: `--name value`, as scripts/bench.mjs passes them on.

/** The value after `--name`, or null when the flag is absent. */
export function arg(name: string): string | null {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? null) : null;
}
