import { createFakeCoder } from "@spt-coder/fake-coder";
import { setupServer } from "msw/node";
import { afterEach, describe, expect, it } from "vitest";
import { createCoderClient } from "../../src/coder-client.js";
import { CoderConnectionError } from "../../src/errors/base.js";
import { pushTemplate } from "../../src/flows/push.js";
import { followJobLogs } from "../../src/jobs/follow.js";
import { TEMPLATE_DIR } from "../flows/helpers.js";

describe("followJobLogs with transport: websocket where no socket opens (msw has none)", () => {
  const server = setupServer();
  afterEach(() => server.close());

  it("fails with the SDK's CoderConnectionError, not a plain Error", async () => {
    const fake = createFakeCoder({ stepDelayMs: 5 });
    server.resetHandlers(...fake.handlers);
    server.listen({ onUnhandledRequest: "error" });
    const client = createCoderClient({ url: fake.url, token: fake.token });
    const pushed = await pushTemplate(client, { name: "spt-flow", dir: TEMPLATE_DIR });
    const failure = await (async () => {
      for await (const _ of followJobLogs(client, {
        job: { kind: "template-version", id: pushed.version.id },
        transport: "websocket",
      }));
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CoderConnectionError);
    expect((failure as CoderConnectionError).reason).toBe("websocket");
  });
});
