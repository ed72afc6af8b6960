import { describe, expect, it } from "vitest";
import {
  AgentNotReadyError,
  ParameterValidationError,
  TemplateUnavailableError,
} from "../../src/errors/flows.js";
import { up } from "../../src/flows/up.js";
import { waitForBuild } from "../../src/flows/wait.js";
import { stopWorkspace } from "../../src/flows/workspace.js";
import { REPO, TEMPLATE_DIR, useLoopbackFake } from "./helpers.js";

describe("up()", () => {
  const launch = useLoopbackFake();

  it("stops, naming the template and organization, when the template is missing and there is no folder", async () => {
    const { fake, client } = await launch();
    const failure = await up({ client, workspace: "dev", template: "elsewhere" }).catch((e) => e);
    expect(failure).toBeInstanceOf(TemplateUnavailableError);
    expect(failure.message).toMatch(/Template "elsewhere" was not found in organization "coder"/);
    expect(failure).toMatchObject({ template: "elsewhere", organization: "coder" });
    expect(fake.state.files.size + fake.state.workspaces.size).toBe(0);
  });

  it("lists every bad parameter before any build starts", async () => {
    const { fake, client } = await launch();
    const failure = await up({
      client,
      workspace: "dev",
      templateDir: TEMPLATE_DIR,
      parameters: { repo_url: "ftp://nope", install_wasm_tools: "yes", no_such_param: "x" },
    }).catch((e) => e);
    expect(failure).toBeInstanceOf(ParameterValidationError);
    expect(failure.problems.map((p: { name: string }) => p.name).sort()).toEqual([
      "install_wasm_tools",
      "no_such_param",
      "repo_url",
    ]);
    expect(fake.state.workspaces.size).toBe(0);
  });

  it("starts a stopped workspace again instead of creating another", async () => {
    const { fake, client } = await launch();
    const first = await up({
      client,
      workspace: "dev",
      templateDir: TEMPLATE_DIR,
      parameters: { repo_url: REPO },
    });
    const stop = await stopWorkspace(client, first.workspace);
    await waitForBuild(client, stop.id);
    const again = await up({ client, workspace: "dev" });
    expect(again.created).toBe(false);
    expect(again.build.transition).toBe("start");
    expect(again.build.build_number).toBe(3);
    expect(again.workspace.latest_build.status).toBe("running");
    expect(fake.state.workspaces.size).toBe(1);
  });

  it("cleans up after a failed start and starts again", async () => {
    const { fake, client } = await launch();
    fake.faults.failJob({ type: "workspace_build", transition: "start", error: "docker: no space left" });
    const failure = await up({
      client,
      workspace: "dev",
      templateDir: TEMPLATE_DIR,
      parameters: { repo_url: REPO },
    })
      .then(() => undefined)
      .catch((e) => e);
    expect(failure?.message).toMatch(/no space left/);
    expect(failure?.created).toEqual(expect.arrayContaining(["workspace dev"]));
    const again = await up({ client, workspace: "dev" });
    expect(again.workspace.latest_build.status).toBe("running");
    expect(again.build.build_number).toBe(3); // failed start, cleanup stop, start
  });

  it("never creates two workspaces when the create answer is lost", async () => {
    const { fake, client, requests } = await launch();
    fake.faults.dropConnection({ method: "POST", path: "/api/v2/users/*/workspaces", when: "mid-response" });
    const result = await up({
      client,
      workspace: "dev",
      templateDir: TEMPLATE_DIR,
      parameters: { repo_url: REPO },
    });
    expect(result.created).toBe(true);
    expect(fake.state.workspaces.size).toBe(1);
    const create = requests.indexOf("POST /api/v2/users/me/workspaces");
    expect(requests.filter((r) => r === "POST /api/v2/users/me/workspaces")).toHaveLength(1);
    expect(requests.indexOf("GET /api/v2/users/me/workspace/dev", create)).toBeGreaterThan(create);
  });

  it("reports a degraded agent as usable with a warning", async () => {
    const { client, events, onEvent, fake } = await launch();
    fake.faults.agent({ outcome: "start_error" });
    const result = await up({
      client,
      workspace: "dev",
      templateDir: TEMPLATE_DIR,
      parameters: { repo_url: REPO },
      onEvent,
    });
    expect(result.degraded).toBe(true);
    expect(events).toContainEqual(expect.objectContaining({ type: "warning", code: "agent-degraded" }));
  });

  it("gives up on an agent that never connects at the deadline", async () => {
    const { client, fake } = await launch();
    fake.faults.agent({ outcome: "never_connects" });
    const failure = await up({
      client,
      workspace: "dev",
      templateDir: TEMPLATE_DIR,
      parameters: { repo_url: REPO },
      agentTimeoutMs: 300,
    }).catch((e) => e);
    expect(failure).toBeInstanceOf(AgentNotReadyError);
    expect(failure.message).toMatch(/not ready after/);
  });

  it("warns that parameter values are not applied to a running workspace, naming the ones that differ", async () => {
    const { client, events, onEvent } = await launch();
    await up({ client, workspace: "dev", templateDir: TEMPLATE_DIR, parameters: { repo_url: REPO } });
    await up({
      client,
      workspace: "dev",
      parameters: { repo_url: REPO, install_wasm_tools: "false" },
      onEvent,
    });
    const warnings = events.filter((e) => e.type === "warning" && e.code === "parameters-not-applied");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      message: expect.stringContaining("value of install_wasm_tools was"),
    });
    expect(warnings[0]).not.toMatchObject({ message: expect.stringContaining("repo_url") });
  });

  it("says nothing of values on a re-run that gives the running workspace's own values again", async () => {
    const { client, events, onEvent } = await launch();
    const parameters = { repo_url: REPO, install_wasm_tools: "true" };
    await up({ client, workspace: "dev", templateDir: TEMPLATE_DIR, parameters });
    await up({ client, workspace: "dev", parameters, onEvent });
    expect(events.filter((e) => e.type === "warning")).toEqual([]);
  });

  it("reuses a running workspace in a handful of requests", async () => {
    const { client, requests } = await launch();
    await up({ client, workspace: "dev", templateDir: TEMPLATE_DIR, parameters: { repo_url: REPO } });
    requests.length = 0;
    const warm = await up({ client, workspace: "dev" });
    expect(warm.created).toBe(false);
    expect(requests.length).toBeLessThanOrEqual(5);
  });
});
