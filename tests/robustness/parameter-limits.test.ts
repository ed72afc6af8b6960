// A parameter value longer than a provisioner can hand to Terraform (one environment variable each, limited by
// Linux to 128 KiB) is refused before anything is sent, with the parameter named; one at the limit goes through.
import { startFakeCoder } from "@spt-coder/fake-coder";
import { createCoderClient, MAX_PARAMETER_VALUE_BYTES, ParameterValidationError, up } from "@spt-coder/sdk";
import { describe, expect, it } from "vitest";
import { minimalTemplate, stringParameter, templateFolder } from "../../packages/sdk/test/flows/helpers.js";

const templateDir = templateFolder({
  "main.tf": minimalTemplate(stringParameter("note")),
});

async function upWith(note: string) {
  const fake = await startFakeCoder({ stepDelayMs: 0 });
  const sent: string[] = [];
  const client = createCoderClient({
    url: fake.url,
    token: fake.token,
    onRequest: (t) => sent.push(`${t.method} ${new URL(t.url).pathname}`),
  });
  try {
    const outcome = await up({
      client,
      template: "lim",
      templateDir,
      workspace: "w",
      parameters: { note },
    }).then(
      (result) => ({ result, error: undefined }),
      (error: unknown) => ({ result: undefined, error }),
    );
    const workspaces = [...fake.state.workspaces.values()].length;
    return { ...outcome, sent, workspaces };
  } finally {
    await fake.close();
  }
}

describe("parameter values over the provisioner's limit", () => {
  it("refuses one byte too many before the workspace is created", async () => {
    const run = await upWith("x".repeat(MAX_PARAMETER_VALUE_BYTES + 1));
    expect(run.error).toBeInstanceOf(ParameterValidationError);
    const problem = (run.error as ParameterValidationError).problems[0]!;
    expect(problem.name).toBe("note");
    expect(problem.message).toContain(`the value is ${MAX_PARAMETER_VALUE_BYTES + 1} bytes`);
    expect(run.workspaces).toBe(0);
    expect(run.sent).not.toContain("POST /api/v2/users/me/workspaces");
  });

  it("counts bytes, not characters, and lets a value at the limit through", async () => {
    expect(MAX_PARAMETER_VALUE_BYTES).toBe(131_072 - 81 - 1);
    const run = await upWith("é".repeat(Math.floor(MAX_PARAMETER_VALUE_BYTES / 2)));
    expect(run.error).toBeUndefined();
    expect(run.workspaces).toBe(1);
  });
});
