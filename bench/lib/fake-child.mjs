// Starts bench/lib/fake-process.mjs (the fake Coder in a process of its own) and talks to it over IPC.
import { fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** Starts the fake in its own process; `stats()` asks it for its counts, RSS and CPU. */
export async function startFakeProcess(options) {
  const child = fork(join(here, "fake-process.mjs"), [JSON.stringify(options)], { stdio: "inherit" });
  const next = (type) =>
    new Promise((resolve, reject) => {
      const onMessage = (m) => {
        if (m?.type !== type) return;
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(m);
      };
      const onExit = (code) => reject(new Error(`the fake exited (${code})`));
      child.on("message", onMessage);
      child.once("exit", onExit);
    });
  const ready = await next("ready");
  return {
    url: ready.url,
    token: ready.token,
    resetLoop: () => child.send({ type: "reset-loop" }),
    stats: () => {
      const answer = next("stats");
      child.send({ type: "stats" });
      return answer;
    },
    close: () =>
      new Promise((resolve) => {
        child.once("exit", resolve);
        child.send({ type: "close" });
      }),
  };
}
