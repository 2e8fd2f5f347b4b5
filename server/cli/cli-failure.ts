/** Ends the CLI with a one-line reason on stderr and an exit status (2: bad input). */
export class CliFailure extends Error {
  override name = "CliFailure";
  constructor(
    message: string,
    readonly status = 2,
  ) {
    super(message);
  }
}
