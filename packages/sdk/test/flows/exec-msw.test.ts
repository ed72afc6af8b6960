import { createFakeCoder } from "@spt-coder/fake-coder/msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCoderClient } from "../../src/coder-client.js";
import { CoderAbortError } from "../../src/errors/base.js";
import { exec } from "../../src/flows/exec.js";
import { up } from "../../src/flows/up.js";
import { minimalTemplate, templateFolder } from "./helpers.js";

// The fake in msw mode: HTTP through msw, the terminal through the fake's in-process dialer (msw cannot carry
// the `ws` package's sockets nor show their headers).
let hanging: (() => void) | undefined;
let onInterrupted: (command: string) => void = () => {};
const interrupted = new Promise<string>((resolve) => {
  onInterrupted = resolve;
});
const fake = createFakeCoder({
  baseUrl: "http://exec.fake",
  stepDelayMs: 1,
  exec: async (command, ctx) => {
    if (command === "kvm-ok") return { output: "KVM acceleration can be used\n" };
    if (command !== "hang") return undefined;
    hanging?.();
    await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
    onInterrupted(command);
    return undefined;
  },
});
const server = setupServer(...fake.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => {
  server.close();
  fake.close();
});

describe("exec with the fake in msw mode", () => {
  const client = createCoderClient({ url: fake.url, token: fake.token, webSocket: fake.webSocket });

  it("runs scripted and unscripted commands, and Ctrl-C reaches a command on abort", async () => {
    const dir = templateFolder({ "main.tf": minimalTemplate() });
    const { workspace } = await up({ client, workspace: "dev", templateDir: dir });
    expect(await exec(client, workspace, "kvm-ok")).toMatchObject({
      exitCode: 0,
      output: "KVM acceleration can be used\n",
    });
    expect(await exec(client, workspace, ["echo", "a  b"])).toMatchObject({ exitCode: 0, output: "a  b\n" });

    const controller = new AbortController();
    hanging = () => controller.abort();
    await expect(exec(client, workspace, "hang", { signal: controller.signal })).rejects.toBeInstanceOf(
      CoderAbortError,
    );
    expect(await interrupted).toBe("hang");
    // Generous: in msw mode logs are polled at the job pace (1 s), and `up` follows two jobs.
  });
});
