// The maintenance commands' shared shell (npm run audit, reconcile, retention): the same argument
// conventions and exit codes for each, so an operator's script can rely on them.
//   0 done (or --help), 1 the command found something (differences, a broken chain), 2 it could not run.

/** Runs `parse` (a `node:util` parseArgs call): usage and 0 on --help; the message, usage and 2 on bad arguments. */
export function commandArgs<R extends { values: { help?: boolean | undefined } }>(usage: string, parse: () => R): R | number {
  let args: R;
  try {
    args = parse();
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${usage}`);
    return 2;
  }
  if (args.values.help) {
    console.log(usage);
    return 0;
  }
  return args;
}

/** Runs the command and sets the exit code from its answer; a thrown error is printed after `name` and exits 2. */
export function runCommand(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 2;
    },
  );
}
