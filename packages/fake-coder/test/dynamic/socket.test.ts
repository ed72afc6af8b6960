import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createContractValidator } from "../../../../tests/support/contract.js";
import { CONDITIONAL_TF } from "../../../../tests/support/dynamic-templates.js";
import { type AnyJson, pushTemplate, useMode } from "../helpers.js";

describe("the dynamic-parameters WebSocket (server)", () => {
  const launch = useMode("server");

  it("answers with the empty form (id -1), then one response per request id", async () => {
    const h = await launch();
    const { version } = await pushTemplate(h, "cond", { "main.tf": CONDITIONAL_TF });
    const ws = new WebSocket(
      `${h.url.replace(/^http/, "ws")}/api/v2/templateversions/${version.id}/dynamic-parameters`,
      { headers: { "Coder-Session-Token": h.token } },
    );
    const frames: AnyJson[] = [];
    const done = new Promise<void>((resolve, reject) => {
      ws.on("message", (data) => {
        frames.push(JSON.parse(String(data)));
        if (frames.length === 1) ws.send(JSON.stringify({ id: 3, inputs: { a: "x", b: "ok" } }));
        if (frames.length === 2) {
          ws.close(1000);
          resolve();
        }
      });
      ws.on("error", reject);
    });
    await done;
    expect(frames.map((f) => [f.id, f.parameters.map((p: AnyJson) => `${p.name}=${p.value.value}`)])).toEqual(
      [
        [-1, ["a="]],
        [3, ["a=x", "b=ok"]],
      ],
    );
    // Frames carry the evaluate endpoint's schema (DynamicParametersResponse), so they are checked against it.
    const contract = createContractValidator();
    const evaluatePath = `/api/v2/templateversions/${version.id}/dynamic-parameters/evaluate`;
    for (const body of frames) {
      const problems = contract.validateResponse({
        method: "POST",
        path: evaluatePath,
        status: 200,
        contentType: "application/json",
        body,
      });
      expect(problems).toEqual([]);
    }
  });

  it("is WebSocket-only: a plain GET gets 426", async () => {
    const h = await launch();
    const { version } = await pushTemplate(h, "cond", { "main.tf": CONDITIONAL_TF });
    const res = await h.api(`/api/v2/templateversions/${version.id}/dynamic-parameters`);
    expect(res.status).toBe(426);
  });
});
