// A resumed log stream that repeats logs the client already has (a replaying proxy, a reconnect racing the last
// frames) must not show them twice: the follower keeps only logs newer than the last one it passed on.
import { startFakeCoder } from "@spt-coder/fake-coder";
import { createCoderClient, followJobLogs } from "@spt-coder/sdk";
import { describe, expect, it } from "vitest";
import { packTemplate } from "../../packages/sdk/src/archive/index.js";
import { minimalTemplate, templateFolder } from "../../packages/sdk/test/flows/helpers.js";

describe("log streams that overlap on reconnect", () => {
  it("passes every log on exactly once, in order", async () => {
    const fake = await startFakeCoder({ stepDelayMs: 20 });
    try {
      const client = createCoderClient({ url: fake.url, token: fake.token });
      const packed = await packTemplate(templateFolder({ "main.tf": minimalTemplate() }));
      const file = await client.files.upload(packed.bytes);
      const org = await client.organizations.getDefault();
      const path = "/api/v2/templateversions/*/logs";
      // The first stream is cut after three frames; the one resumed after it starts two logs early.
      fake.faults.dropStream({ path, afterFrames: 3 });
      fake.faults.replayLogs({ path, frames: 2 });
      const version = await client.templateVersions.create(org.id, {
        storage_method: "file",
        provisioner: "terraform",
        file_id: file.id,
      });
      const stream = followJobLogs(client, { job: { kind: "template-version", id: version.id } });
      const ids: number[] = [];
      for await (const log of stream) ids.push(log.id);
      expect(stream.via).toBe("websocket");
      const all = fake.state.job(fake.state.templateVersions.get(version.id)!.jobId).logs.map((l) => l.id);
      expect(ids).toEqual(all);
      expect(all.length).toBeGreaterThan(3);
    } finally {
      await fake.close();
    }
  });
});
