import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { commitAll, git, makeRepo, tempDir, writeFiles } from "../../../test/fixtures/temp-git-repo";
import { RepositoryMirrors } from "./repository-mirror";

const cleanup: string[] = [];
afterEach(() => {
  for (const dir of cleanup.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Loose objects and packs in a repository, as `git count-objects -v` says. */
function objectCounts(gitDir: string): { loose: number; packs: number } {
  const fields = Object.fromEntries(git(gitDir, "count-objects", "-v").split("\n").map((line) => line.split(": ") as [string, string]));
  return { loose: Number(fields.count), packs: Number(fields.packs) };
}

describe("RepositoryMirrors", () => {
  it("packs a mirror in the background every N fetches, keeping the objects of a commit pushed away that a checkout still uses", async () => {
    const work = makeRepo({ "file.txt": "one\n" });
    const root = tempDir("baton-mirrors-");
    cleanup.push(work, root);
    const mirrors = new RepositoryMirrors(root, { packEveryFetches: 4 });
    const source = { id: 1, cloneUrl: work, token: null };
    const mirror = mirrors.dirOf(1);

    await mirrors.sync(source); // fetch 1: the clone
    writeFiles(work, { "file.txt": "two\n", "more.txt": "more\n" });
    const second = commitAll(work, "two");
    expect((await mirrors.sync(source)).get("refs/heads/main")).toBe(second); // fetch 2

    // A branch a pipeline checks out, then deleted from the remote before the mirror is packed.
    git(work, "checkout", "--quiet", "-b", "side");
    writeFiles(work, { "file.txt": "side\n" });
    const side = commitAll(work, "side");
    git(work, "checkout", "--quiet", "main");
    expect((await mirrors.sync(source)).get("refs/heads/side")).toBe(side); // fetch 3
    const checkout = path.join(root, "workspace");
    git(root, "clone", "--quiet", "--shared", "--no-checkout", mirror, checkout);
    const before = objectCounts(mirror);
    await mirrors.packed(1);
    expect(objectCounts(mirror)).toEqual(before); // not packed yet

    git(work, "branch", "--quiet", "-D", "side");
    expect((await mirrors.sync(source)).has("refs/heads/side")).toBe(false); // fetch 4: packs
    await mirrors.packed(1);

    // Every reachable object is packed; the side commit's objects, unreachable now, are kept
    // (loose with git 2.39, in a cruft pack where gc makes one).
    const unreachable = git(mirror, "rev-list", "--objects", side, "--not", "--all").split("\n").map((line) => line.split(" ")[0]!);
    expect(unreachable).toHaveLength(3);
    for (const object of unreachable) git(mirror, "cat-file", "-e", object);
    const after = objectCounts(mirror);
    expect(before.loose).toBeGreaterThan(unreachable.length);
    expect(after.loose).toBeLessThanOrEqual(unreachable.length);
    expect(after.packs).toBeGreaterThanOrEqual(1);
    // The checkout that shares the mirror's objects still has the side commit whole.
    git(checkout, "-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", side);
    expect(fs.readFileSync(path.join(checkout, "file.txt"), "utf8")).toBe("side\n");
    expect(git(checkout, "fsck", "--connectivity-only", "--no-dangling")).toBe("");
  });
});
