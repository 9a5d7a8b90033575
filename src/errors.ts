// Errors goprod reports with their message alone (exit status 2): the user can act on them.
// Anything else that escapes is a bug and is reported with its stack.
export class UsageError extends Error {}

/** The Go toolchain cannot be started: say what to do. */
export function toolMissing(tool: string, cause: Error): UsageError {
  return new UsageError(
    `cannot run ${tool} (${cause.message}): goprod formats and checks fixes with the Go toolchain; install Go (https://go.dev/dl/) and ` +
      `put its bin directory on PATH`,
  );
}
