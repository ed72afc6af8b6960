import { describe, expect, it } from "vitest";
import { evaluateTemplate } from "./harness/evaluate.js";
import { parameterDefaults } from "./harness/host.js";
import { announceSkip, findTool, loadTemplate } from "./helpers/template.js";

// How the agent in the container reaches Coder, as Terraform evaluates main.tf (the harness's provider-less
// configuration, no Docker needed). Found on a real engine (dockerd --bridge=none, Coder on 127.0.0.1): the
// template always rewrote the agent's URL to host.docker.internal and mapped it to the host gateway, which such a
// daemon resolves to nothing ("<nil> host.docker.internal" in /etc/hosts), so the agent could never connect.
const terraform = findTool("terraform");
const why = (() => {
  if (process.getuid?.() !== 0) return "it needs root for unshare (the provisioner's private /dev)";
  if (!terraform) return "terraform is not on PATH (it evaluates main.tf)";
  if (!findTool("unshare")) return "unshare is missing (util-linux)";
  return undefined;
})();
if (why) announceSkip("the network_mode evaluation (tests/template/network.test.ts)", why);

/** What coder_agent.init_script looks like for a Coder whose access URL is on loopback. */
const INIT_SCRIPT =
  'BINARY_URL="http://127.0.0.1:3000/bin/coder-linux-amd64"\ncurl -fsSL "$BINARY_URL"\nexport CODER_AGENT_URL="http://localhost:3000/"\nexec ./coder agent';

describe.skipIf(why)("network_mode: how the agent reaches a Coder on the Docker host's loopback", () => {
  const evaluate = async (variables: Record<string, unknown>) =>
    evaluateTemplate(terraform!, {
      parameters: parameterDefaults(await loadTemplate()),
      variables,
      initScript: INIT_SCRIPT,
    });

  it("bridge (the default): Docker's network, localhost rewritten to host.docker.internal on the host gateway", async () => {
    const evaluated = await evaluate({});
    expect(evaluated.container.network_mode).toBe("bridge");
    const init = (evaluated.container.entrypoint as string[])[2]!;
    expect(init).toContain("http://host.docker.internal:3000/bin/coder-linux-amd64");
    expect(init).toContain('CODER_AGENT_URL="http://host.docker.internal:3000/"');
    expect(evaluated.dynamic.host).toEqual([{ host: "host.docker.internal", ip: "host-gateway" }]);
  }, 120_000);

  it("host: the host's network, the init script exactly as Coder wrote it, no host-gateway mapping", async () => {
    const evaluated = await evaluate({ network_mode: "host" });
    expect(evaluated.container.network_mode).toBe("host");
    expect((evaluated.container.entrypoint as string[])[2]).toBe(INIT_SCRIPT);
    expect(evaluated.dynamic.host).toEqual([]);
  }, 120_000);
});
