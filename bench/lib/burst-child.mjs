// What `coder exp scaletest create-workspaces --concurrency 0` does before it waits, for a Coder whose scaletest
// cannot run: every workspace's create request sent at once, straight to the API with fetch, so that Coder's queue
// holds the whole fleet from the start and no daemon waits for a client. It does not wait for the builds: the
// benchmark reads each agent's `ready_at`, so its time is the server's pace with a queue that never runs dry.
// argv: the template name, then the workspace names; CODER_URL / CODER_SESSION_TOKEN from the environment.
// Exits 1 when a create request failed (each failure on stderr).

const [template, ...names] = process.argv.slice(2);
const base = `${process.env.CODER_URL}/api/v2`;
const headers = {
  "Coder-Session-Token": process.env.CODER_SESSION_TOKEN,
  "content-type": "application/json",
};

async function call(method, path, body) {
  const response = await fetch(`${base}${path}`, { method, headers, body: body && JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

const org = await call("GET", "/organizations/default");
const tpl = await call("GET", `/organizations/${org.id}/templates/${encodeURIComponent(template)}`);
const results = await Promise.allSettled(
  names.map((name) =>
    call("POST", `/organizations/${org.id}/members/me/workspaces`, { name, template_id: tpl.id }),
  ),
);
const failed = results.filter((r) => r.status === "rejected");
for (const f of failed) console.error(`error: ${f.reason.message}`);
process.exitCode = failed.length ? 1 : 0;
