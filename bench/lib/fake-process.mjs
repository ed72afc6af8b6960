// The fake Coder in a process of its own, so that the fleet's figures (memory, CPU) are the SDK's alone.
// Started with fork(); options arrive as JSON in argv[2]. Over IPC it answers `stats` with the number of
// workspaces, the requests it answered by status, and its peak RSS.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { importFake } from "./paths.mjs";

const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();

const { startFakeCoder } = await importFake();
const options = JSON.parse(process.argv[2] ?? "{}");
const statuses = {};
const fake = await startFakeCoder({
  ...options,
  onResponse: (info) => {
    statuses[info.status] = (statuses[info.status] ?? 0) + 1;
  },
});
process.on("message", async (message) => {
  if (message?.type === "reset-loop") {
    loop.reset();
  } else if (message?.type === "stats") {
    const workspaces = [...fake.state.workspaces.values()].filter((w) => !w.deleted);
    process.send({
      type: "stats",
      workspaces: workspaces.length,
      names: new Set(workspaces.map((w) => w.name)).size,
      templates: [...fake.state.templates.values()].filter((t) => !t.deleted).length,
      imports: [...fake.state.jobs.values()].filter((j) => j.type === "template_version_import").length,
      statuses,
      maxRss: process.resourceUsage().maxRSS * 1024,
      loopDelayP99Ms: loop.percentile(99) / 1e6,
      cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    });
  } else if (message?.type === "close") {
    await fake.close();
    process.exit(0);
  }
});
process.send({ type: "ready", url: fake.url, token: fake.token });
