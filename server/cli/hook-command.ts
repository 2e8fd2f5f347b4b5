/** `baton hook install <repository>`: arrives with the local git integration. */
export async function runHookCommand(rest: string[]): Promise<number> {
  process.stderr.write(`baton: hook ${rest.join(" ")}: git hooks are not available in this version\n`);
  return 2;
}
