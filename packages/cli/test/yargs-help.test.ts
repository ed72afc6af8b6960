import { describe, expect, it, vi } from "vitest";
import yargs from "yargs";
import { asksForHelp, skipEagerHelp } from "../src/yargs-help.js";

/** A program with one command, and a spy on the help rendering of yargs' usage object. */
function program() {
  const ran = vi.fn();
  const cli = yargs().exitProcess(false).command("list", "List things", {}, ran);
  const usage = (cli as unknown as { getInternalMethods(): { getUsageInstance(): { help(): string } } })
    .getInternalMethods()
    .getUsageInstance();
  return { cli, ran, help: vi.spyOn(usage, "help") };
}

describe("skipEagerHelp", () => {
  it("runs a command without rendering the help yargs would otherwise render first", async () => {
    const eager = program();
    await eager.cli.parseAsync(["list"]);
    // The cost being avoided is real in this yargs: it renders the help of a command it is about to run.
    expect(eager.help).toHaveBeenCalled();
    const lazy = program();
    skipEagerHelp(lazy.cli);
    await lazy.cli.parseAsync(["list"]);
    expect(lazy.ran).toHaveBeenCalledOnce();
    expect(lazy.help).not.toHaveBeenCalled();
  });

  it("is not used when the run may print help or completions", () => {
    expect(asksForHelp(["up", "--help"])).toBe(true);
    expect(asksForHelp(["templates", "-h"])).toBe(true);
    expect(asksForHelp(["--get-yargs-completions", "up"])).toBe(true);
    expect(asksForHelp(["up", "--repo", "https://example.com/r.git"])).toBe(false);
  });
});
