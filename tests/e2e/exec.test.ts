import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addSecret, cliEnv, ensureBuilt, runCli, startCli, tempHome } from "./helpers.js";

let fake: RunningFakeCoder;
let env: NodeJS.ProcessEnv;
let interrupted: () => void = () => {};

beforeAll(async () => {
  await ensureBuilt();
  fake = await startFakeCoder({
    stepDelayMs: 5,
    exec: async (command, ctx) => {
      if (command === "kvm-ok") {
        return { output: "INFO: /dev/kvm exists\nKVM acceleration can NOT be used\n", exit_code: 1 };
      }
      if (command !== "sleep 600") return undefined;
      ctx.write("sleeping\n");
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
      interrupted();
      return undefined;
    },
  });
  addSecret(fake.token);
  env = cliEnv(await tempHome(), { CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token });
  const up = await runCli(["up", "--repo", "https://github.com/acme/app"], { env });
  expect(up.code, up.stderr).toBe(0);
}, 180_000);
afterAll(() => fake.close());

describe("spt-coder exec, the built CLI against the fake", () => {
  it("runs kvm-ok and exits with its status", async () => {
    const text = await runCli(["exec", "app", "--", "kvm-ok"], { env });
    expect(text).toMatchObject({
      code: 1,
      stdout: "INFO: /dev/kvm exists\nKVM acceleration can NOT be used\n",
      stderr: "",
    });
  });

  it("-o json gives the output and the status, and exits with it", async () => {
    const json = await runCli(["exec", "app", "-o", "json", "--", "kvm-ok"], { env });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ workspace: "admin/app", agent: "main", exit_code: 1 });
  });

  it("passes several words as arguments", async () => {
    const words = await runCli(["exec", "app", "--", "sh", "-c", "echo done; exit 7"], { env });
    expect(words).toMatchObject({ code: 7, stdout: "done\n" });
  });

  it("sends the command Ctrl-C on SIGINT and exits 130", async () => {
    const stopped = new Promise<void>((resolve) => {
      interrupted = resolve;
    });
    const run = startCli(["exec", "app", "--", "sleep 600"], { env });
    await run.waitFor(/sleeping/);
    run.child.kill("SIGINT");
    const result = await run.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain("Interrupted: the command in app was sent Ctrl-C.");
    await stopped;
  });

  it("says where the command goes without -- (exit 2)", async () => {
    const result = await runCli(["exec", "app", "kvm-ok"], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("spt-coder exec takes its command after --.");
  });
});
