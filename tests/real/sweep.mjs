// Deletes every workspace and template whose name starts with a prefix, on the Coder of CODER_URL: what a run
// of the real suite made, also after a failure or Ctrl-C. Nothing outside the prefix is touched.
// Usage: node tests/real/sweep.mjs <prefix>   (CODER_URL, CODER_SESSION_TOKEN)

const POLL_MS = 1000;
const DEADLINE_MS = 5 * 60_000;

/** Deletes what `prefix` names on `url`; resolves with what it deleted and what it could not. */
export async function sweep(url, token, prefix, say = (line) => process.stderr.write(`${line}\n`)) {
  if (!/^sptr-[0-9a-f]{6}-$/.test(prefix)) throw new Error(`refusing to sweep "${prefix}": not a run prefix`);
  const api = async (method, path, body) => {
    const answer = await fetch(new URL(path, url), {
      method,
      headers: { "Coder-Session-Token": token, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await answer.text();
    return { status: answer.status, body: text ? JSON.parse(text) : undefined };
  };
  const left = [];
  const mine = (name) => typeof name === "string" && name.startsWith(prefix);
  const { body: list } = await api(
    "GET",
    `/api/v2/workspaces?q=${encodeURIComponent(`name:${prefix}`)}&limit=0`,
  );
  const workspaces = (list?.workspaces ?? []).filter((w) => mine(w.name));
  await Promise.all(
    workspaces.map(async (w) => {
      const deadline = Date.now() + DEADLINE_MS;
      let orphan = false;
      while (Date.now() < deadline) {
        const { status, body } = await api("GET", `/api/v2/workspaces/${w.id}`);
        if (
          status === 404 ||
          status === 410 ||
          (body?.latest_build?.transition === "delete" && body.latest_build.job.status === "succeeded")
        ) {
          say(`deleted workspace ${w.name}`);
          return;
        }
        const job = body?.latest_build?.job?.status;
        if (job === "pending" || job === "running") {
          await api("PATCH", `/api/v2/workspacebuilds/${body.latest_build.id}/cancel`);
        } else if (job !== "canceling") {
          // A delete that failed (a broken template) is retried as an orphan delete: the row goes, whatever ran.
          orphan ||= body?.latest_build?.transition === "delete" && job === "failed";
          await api("POST", `/api/v2/workspaces/${w.id}/builds`, {
            transition: "delete",
            ...(orphan ? { orphan: true } : {}),
          });
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      left.push(`workspace ${w.name}`);
    }),
  );
  const { body: templates } = await api("GET", "/api/v2/templates");
  for (const t of (templates ?? []).filter((t) => mine(t.name))) {
    const { status } = await api("DELETE", `/api/v2/templates/${t.id}`);
    if (status < 300) say(`deleted template ${t.name}`);
    else left.push(`template ${t.name} (status ${status})`);
  }
  return { workspaces: workspaces.length, left };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [prefix] = process.argv.slice(2);
  const { CODER_URL, CODER_SESSION_TOKEN } = process.env;
  if (!prefix || !CODER_URL || !CODER_SESSION_TOKEN) {
    process.stderr.write("usage: CODER_URL=… CODER_SESSION_TOKEN=… node tests/real/sweep.mjs sptr-xxxxxx-\n");
    process.exit(2);
  }
  const { left } = await sweep(CODER_URL, CODER_SESSION_TOKEN, prefix);
  if (left.length) {
    process.stderr.write(`not deleted: ${left.join(", ")}\n`);
    process.exit(1);
  }
}
