// One benchmark's session on a real Coder: the recording proxy, names under the `bench-` prefix, running clients
// through the proxy, and the clean-up of everything made, also when the run fails or is interrupted.
import { LOCAL_AGENT_TEMPLATE, labApi, labFromEnv, PREFIX, readyAt, runClient, runId } from "./lab.mjs";
import { startRecordingProxy } from "./recording-proxy.mjs";

/**
 * Opens the session, or returns undefined (after the skip line) without a Coder. `run(command, args)` runs a
 * client against the proxy; `remove(workspace, template)` deletes what a round made; `close()` deletes whatever
 * is left and stops the proxy.
 */
export async function labSession(name) {
  const lab = labFromEnv(name);
  if (!lab) return undefined;
  const api = labApi(lab);
  const info = await api.buildInfo();
  const daemons = ((await api.provisionerDaemons()) ?? []).filter((d) => d.status !== "offline").length;
  const proxy = await startRecordingProxy(lab.url);
  const id = runId();
  const workspaces = new Set();
  const templates = new Set();
  const variable = `agent_binary=${lab.agentBinary}`;

  const cleanUp = async () => {
    await api.deleteWorkspaces([...workspaces]);
    workspaces.clear();
    await api.deleteTemplates([...templates]);
    templates.clear();
  };
  let closing = false;
  const onSignal = (signal) => {
    if (closing) return;
    closing = true;
    console.error(`${name}: ${signal}; deleting what this run made (${PREFIX}${id}-*)`);
    cleanUp().finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  return {
    lab,
    api,
    proxy,
    info,
    daemons,
    id,
    template: {
      dir: LOCAL_AGENT_TEMPLATE,
      ourFlags: ["--template-dir", LOCAL_AGENT_TEMPLATE, "--var", variable],
      cliFlags: ["--directory", LOCAL_AGENT_TEMPLATE, "--var", variable],
      variables: { agent_binary: lab.agentBinary },
    },
    names: {
      /** A workspace name of this run, remembered for the clean-up. */
      next(suffix) {
        const ws = `${PREFIX}${id}-${suffix}`;
        workspaces.add(ws);
        return ws;
      },
      /** The template name that goes with a workspace name, remembered for the clean-up. */
      template(ws) {
        const tpl = `${ws}-t`;
        templates.add(tpl);
        return tpl;
      },
      /** Remembers names made by someone else's choice (the fleet's). */
      add(ws) {
        workspaces.add(ws);
      },
      addTemplate(tpl) {
        templates.add(tpl);
      },
    },
    run(command, args, options = {}) {
      return runClient(command, args, {
        ...options,
        env: { CODER_URL: proxy.url, CODER_SESSION_TOKEN: lab.token, ...options.env },
      });
    },
    /**
     * The workspace once every agent is ready (straight from Coder, not counted; `ready_at` says when, so the
     * pace of this poll changes no figure). Gives up after 10 minutes.
     */
    async untilReady(ws) {
      const deadline = Date.now() + 600_000;
      for (;;) {
        const workspace = await api.workspace(ws);
        if (workspace && Number.isFinite(readyAt(workspace))) return workspace;
        if (Date.now() > deadline) throw new Error(`${ws}: the agent was not ready after 10 minutes`);
        await new Promise((r) => setTimeout(r, 500));
      }
    },
    async remove(ws, tpl) {
      await api.deleteWorkspaces([ws]);
      workspaces.delete(ws);
      if (tpl) {
        await api.deleteTemplates([tpl]);
        templates.delete(tpl);
      }
    },
    cleanUp,
    async close() {
      try {
        await cleanUp();
      } finally {
        await proxy.close();
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    },
  };
}
