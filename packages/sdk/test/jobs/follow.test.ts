import { createFakeCoder } from "@spt-coder/fake-coder";
import { setupServer } from "msw/node";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createCoderClient } from "../../src/coder-client.js";
import { CoderAbortError } from "../../src/errors/base.js";
import { pushTemplate } from "../../src/flows/push.js";
import { followJobLogs } from "../../src/jobs/follow.js";
import type { ProvisionerJobLog } from "../../src/types.js";
import { TEMPLATE_DIR, useLoopbackFake } from "../flows/helpers.js";

async function collect(stream: AsyncIterable<ProvisionerJobLog>): Promise<ProvisionerJobLog[]> {
  const logs: ProvisionerJobLog[] = [];
  for await (const log of stream) logs.push(log);
  return logs;
}

function assertNoGapOrDuplicate(logs: ProvisionerJobLog[]) {
  const ids = logs.map((l) => l.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids).toEqual([...ids].sort((a, b) => a - b));
}

describe("followJobLogs over loopback", () => {
  const launch = useLoopbackFake();

  async function importingVersion(stepDelayMs = 20) {
    const h = await launch({ stepDelayMs });
    const org = await h.client.organizations.getDefault();
    const { packTemplate } = await import("../../src/archive/index.js");
    const packed = await packTemplate(TEMPLATE_DIR);
    const file = await h.client.files.upload(packed.bytes);
    const version = await h.client.templateVersions.create(org.id, {
      storage_method: "file",
      provisioner: "terraform",
      file_id: file.id,
    });
    return { ...h, version };
  }

  it("follows over the WebSocket and ends when the job finishes, with the same logs as the plain list", async () => {
    const { client, version, requests } = await importingVersion();
    const stream = followJobLogs(client, { job: { kind: "template-version", id: version.id } });
    const logs = await collect(stream);
    expect(stream.via).toBe("websocket");
    expect(stream.job?.status).toBe("succeeded");
    expect(requests.some((r) => r.endsWith("/logs"))).toBe(false);
    const listed = await client.templateVersions.logs(version.id);
    expect(logs.map((l) => l.id)).toEqual(listed.map((l) => l.id));
    expect(logs.map((l) => l.stage)).toContain("Detecting persistent resources");
  });

  it("resumes after a dropped socket with no duplicate and no gap", async () => {
    const { fake, client, version } = await importingVersion(30);
    fake.faults.dropStream({ path: `/api/v2/templateversions/${version.id}/logs`, afterFrames: 2 });
    const logs = await collect(followJobLogs(client, { job: { kind: "template-version", id: version.id } }));
    const listed = await client.templateVersions.logs(version.id);
    assertNoGapOrDuplicate(logs);
    expect(logs.map((l) => l.id)).toEqual(listed.map((l) => l.id));
  });

  it("ends for a job canceled while pending, whose stream never ends by itself", async () => {
    const { client, version } = await (async () => {
      const h = await launch();
      h.fake.faults.holdJob({ type: "template_version_import" });
      const org = await h.client.organizations.getDefault();
      const { packTemplate } = await import("../../src/archive/index.js");
      const file = await h.client.files.upload((await packTemplate(TEMPLATE_DIR)).bytes);
      const version = await h.client.templateVersions.create(org.id, {
        storage_method: "file",
        provisioner: "terraform",
        file_id: file.id,
      });
      return { ...h, version };
    })();
    // The premise: the held job is still pending when it is canceled, so no provisioner ever ends its stream.
    expect((await client.templateVersions.get(version.id)).job.status).toBe("pending");
    const stream = followJobLogs(client, {
      job: { kind: "template-version", id: version.id },
      pollIntervalMs: 50,
      closeGraceMs: 50,
    });
    setTimeout(() => void client.templateVersions.cancel(version.id), 100);
    await collect(stream);
    expect(stream.job?.status).toBe("canceled");
  });

  it("polls the job briskly while it is pending and only as a backstop once it runs: its stream ends by itself", async () => {
    // Steps of 250 ms against a 20 ms poll: at that pace the running job would be read many times.
    const { client, version } = await importingVersion(250);
    const seen: string[] = [];
    const stream = followJobLogs(client, {
      job: { kind: "template-version", id: version.id },
      pollIntervalMs: 20,
      startedPollIntervalMs: 60_000,
      onJob: (job) => seen.push(job.status),
    });
    const logs = await collect(stream);
    expect(stream.via).toBe("websocket");
    expect(stream.job?.status).toBe("succeeded");
    expect(logs.length).toBeGreaterThan(3);
    // The read that saw it start, and the one after its stream ended; nothing in between.
    expect(seen.filter((s) => s === "running").length).toBeLessThanOrEqual(1);
    expect(seen.at(-1)).toBe("succeeded");
  });

  it("reads the finished job at once when its stream ends, not a poll interval after the previous read", async () => {
    // Seen on a real Coder: an import of 1 s ended its stream 70 ms after a read, and the last read waited out the
    // 1 s pace (up lost 0.9 s). Here, from the first read on, performance.now runs an hour behind: any read paced
    // against it would wait an hour, so the follow ends only if no read on the socket path is paced.
    const { fake, client, version } = await (async () => {
      const h = await launch({ stepDelayMs: 5 });
      h.fake.clock.hold();
      const org = await h.client.organizations.getDefault();
      const { packTemplate } = await import("../../src/archive/index.js");
      const file = await h.client.files.upload((await packTemplate(TEMPLATE_DIR)).bytes);
      const made = await h.client.templateVersions.create(org.id, {
        storage_method: "file",
        provisioner: "terraform",
        file_id: file.id,
      });
      return { ...h, version: made };
    })();
    const now = vi.spyOn(performance, "now");
    try {
      const stream = followJobLogs(client, {
        job: { kind: "template-version", id: version.id },
        pollIntervalMs: 20,
        startedPollIntervalMs: 600_000,
        onJob: () => {
          if (now.getMockImplementation()) return;
          const behind = performance.now() - 3_600_000;
          now.mockImplementation(() => behind);
          fake.clock.release();
        },
      });
      await collect(stream);
      expect(stream.via).toBe("websocket");
      expect(stream.job?.status).toBe("succeeded");
    } finally {
      now.mockRestore();
    }
  });

  it("closes the socket when the consumer leaves the loop", async () => {
    const { client, version } = await importingVersion(50);
    const stream = followJobLogs(client, { job: { kind: "template-version", id: version.id } });
    for await (const _ of stream) break;
    // A closed stream yields nothing more and does not hang.
    expect(await collect(stream)).toEqual([]);
  });

  it("turns an abort into CoderAbortError", async () => {
    const { client, version } = await importingVersion(200);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const failure = await collect(
      followJobLogs(client, { job: { kind: "template-version", id: version.id }, signal: controller.signal }),
    ).catch((e) => e);
    expect(failure).toBeInstanceOf(CoderAbortError);
  });
});

describe("followJobLogs in-process (msw): no socket there, so it polls", () => {
  const server = setupServer();
  afterEach(() => server.close());

  it("falls back to polling ?after= by itself and gets every log once", async () => {
    const fake = createFakeCoder({ stepDelayMs: 5 });
    server.resetHandlers(...fake.handlers);
    server.listen({ onUnhandledRequest: "error" });
    const client = createCoderClient({ url: fake.url, token: fake.token });
    const pushed = await pushTemplate(client, { name: "spt-flow", dir: TEMPLATE_DIR });
    const stream = followJobLogs(client, {
      job: { kind: "template-version", id: pushed.version.id },
      pollIntervalMs: 20,
    });
    const logs = await collect(stream);
    expect(stream.via).toBe("polling");
    assertNoGapOrDuplicate(logs);
    expect(logs.length).toBe((await client.templateVersions.logs(pushed.version.id)).length);
  });
});
