// An abort while the template version create request is in flight: the server made the version and queued its
// import all the same, and the abort cut off the answer. The push finds the version by its name and cancels the
// import, so nothing is left running that nobody follows. Each abort is triggered by the fake's answer to the create
// (held until the abort is in), never by a timer.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ResponseInfo } from "@spt-coder/fake-coder";
import { describe, expect, it } from "vitest";
import type { CoderAbortError } from "../../src/errors/base.js";
import {
  PushInterruptedError,
  TemplateImportCanceledError,
  UpInterruptedError,
} from "../../src/errors/interrupt.js";
import { pushTemplate } from "../../src/flows/push.js";
import { up } from "../../src/flows/up.js";
import { copyOfTemplate, useLoopbackFake } from "./helpers.js";

const CREATE_VERSION = /^\/api\/v2\/organizations\/[^/]+\/templateversions$/;
const launch = useLoopbackFake();

/**
 * A fake whose answer to the version create aborts the run's signal (once `armed()` says so; imports are then
 * held), and `push`, a push of `dir` with that signal that resolves with what it threw.
 */
async function abortingFake(armed: () => boolean = () => true) {
  const controller = new AbortController();
  const onResponse = (info: ResponseInfo) => {
    if (info.method === "POST" && CREATE_VERSION.test(info.path) && armed()) controller.abort();
  };
  const started = await launch({ onResponse });
  if (armed()) started.fake.faults.holdJob({ type: "template_version_import" });
  const push = (dir = copyOfTemplate()) =>
    pushTemplate(started.client, { name: "spt-flow", dir, signal: controller.signal }).catch(
      (e: unknown) => e,
    );
  return { ...started, signal: controller.signal, push };
}

function onlyVersion(fake: Awaited<ReturnType<typeof launch>>["fake"]) {
  const versions = [...fake.state.templateVersions.values()];
  expect(versions).toHaveLength(1);
  return versions[0]!;
}

describe("pushTemplate interrupted while the version create is in flight", () => {
  it("of a new template: finds the version through the jobs and cancels its import", async () => {
    const { fake, client, push } = await abortingFake();
    const failure = await push();
    const version = onlyVersion(fake);
    expect(failure).toBeInstanceOf(TemplateImportCanceledError);
    expect((failure as TemplateImportCanceledError).version).toMatchObject({
      id: version.id,
      name: version.name,
    });
    expect(fake.state.job(version.jobId).canceledAt).toBeDefined();
    expect((await client.templateVersions.get(version.id)).job.status).toMatch(/^cancel/);
  });

  it("of an existing template: finds the version by name and cancels its import", async () => {
    let armed = false;
    const { fake, client, push } = await abortingFake(() => armed);
    const dir = copyOfTemplate();
    const first = await pushTemplate(client, { name: "spt-flow", dir });
    fake.faults.holdJob({ type: "template_version_import" });
    armed = true;
    writeFileSync(join(dir, "extra.tf"), 'locals {\n  note = "changed"\n}\n');
    const failure = await push(dir);
    const second = [...fake.state.templateVersions.values()].find((v) => v.id !== first.version.id)!;
    expect(failure).toBeInstanceOf(TemplateImportCanceledError);
    expect((failure as TemplateImportCanceledError).version).toMatchObject({
      id: second.id,
      name: second.name,
    });
    expect(fake.state.job(second.jobId).canceledAt).toBeDefined();
    expect((await client.templates.get(first.template.id)).active_version_id).toBe(first.version.id);
  });

  it("when the cancel is refused: says the version exists and its import was not canceled", async () => {
    const { fake, push } = await abortingFake();
    fake.faults.failNext({ method: "PATCH", path: "/api/v2/templateversions/*/cancel", status: 400 });
    const failure = await push();
    const version = onlyVersion(fake);
    expect(failure).toBeInstanceOf(PushInterruptedError);
    expect((failure as PushInterruptedError).version).toEqual({ name: version.name, id: version.id });
    expect((failure as CoderAbortError).message).toContain(
      `template version ${version.name} was created and its import could not be canceled`,
    );
    expect((failure as CoderAbortError).created).toEqual([
      `template version ${version.name} (${version.id})`,
    ]);
    expect(fake.state.job(version.jobId).canceledAt).toBeUndefined();
  });

  it("when the look afterwards fails: names the version it could not check", async () => {
    const { fake, push } = await abortingFake();
    fake.faults.failNext({
      method: "GET",
      path: "/api/v2/organizations/*/provisionerjobs",
      status: 500,
      times: 20,
    });
    const failure = await push();
    const version = onlyVersion(fake);
    expect(failure).toBeInstanceOf(PushInterruptedError);
    expect((failure as CoderAbortError).message).toContain(
      `while template version ${version.name} was being created; whether it exists could not be checked`,
    );
  });

  it("in up: the interrupt at the push step names the canceled import", async () => {
    const { fake, client, signal } = await abortingFake();
    const failure = await up({
      client,
      workspace: "ws",
      template: "tpl",
      templateDir: copyOfTemplate(),
      signal,
    }).catch((e: unknown) => e);
    const version = onlyVersion(fake);
    expect(failure).toBeInstanceOf(UpInterruptedError);
    expect(failure).toMatchObject({ step: "push", workspace: undefined });
    expect((failure as UpInterruptedError).canceledImport).toEqual({ id: version.id, name: version.name });
    expect(fake.state.job(version.jobId).canceledAt).toBeDefined();
  });
});
