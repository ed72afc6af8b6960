import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { announceSkip, findTool } from "../template/helpers/template.js";
import { K8S_TEMPLATE_DIR } from "./helpers/kubernetes-template.js";

const terraform = findTool("terraform");
// Terraform is not installable from npm or Debian, so no machine is guaranteed to have it.
if (!terraform) announceSkip("terraform fmt -check on template-kubernetes/", "terraform is not on PATH");

describe("template-kubernetes formatting", () => {
  it.skipIf(!terraform)("is what terraform fmt writes", () => {
    const result = spawnSync(terraform!, ["fmt", "-check", "-diff", "-recursive", K8S_TEMPLATE_DIR], {
      encoding: "utf8",
      env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" },
    });
    expect(result.stdout, "run `terraform fmt template-kubernetes` to fix").toBe("");
    expect(result.status).toBe(0);
  });
});
