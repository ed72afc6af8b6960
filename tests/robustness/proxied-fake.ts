// A fake Coder with one running workspace (`dev`, template `tiny`), and a proxy that says what a hostile server
// would in front of it: the setup of the tests on what the CLI prints from a server it cannot trust.
import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { createCoderClient, up } from "@spt-coder/sdk";
import { minimalTemplate, templateFolder } from "../../packages/sdk/test/flows/helpers.js";
import { addSecret } from "../e2e/helpers.js";
import { type HostileServer, type Rewrites, rewriteStrings, rewritingProxy } from "./hostile-servers.js";

/** A fake whose token no output may show, with workspace `dev` up from template `tiny` (`main.tf` as given). */
export async function fakeWithWorkspace(mainTf = minimalTemplate()): Promise<RunningFakeCoder> {
  const fake = await startFakeCoder({ stepDelayMs: 2 });
  addSecret(fake.token);
  const client = createCoderClient({ url: fake.url, token: fake.token });
  await up({
    client,
    template: "tiny",
    templateDir: templateFolder({ "main.tf": mainTf }),
    workspace: "dev",
  });
  return fake;
}

/** Rewrites of every string in every JSON answer and every frame, by `poison(key, text, parent)`. */
export function stringRewrites(poison: Parameters<typeof rewriteStrings>[1]): Rewrites {
  return {
    json: (body) => rewriteStrings(body, poison),
    frame: (data) => [JSON.stringify(rewriteStrings(JSON.parse(data), poison))],
  };
}

/** A proxy in front of `fake` whose answers and frames say what `rewrites` makes them say. */
export function proxyOf(fake: RunningFakeCoder, rewrites: Rewrites): Promise<HostileServer> {
  return rewritingProxy(fake.url, rewrites);
}
