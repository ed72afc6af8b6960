import { defineCommand } from "../command.js";
import { openSession } from "../session.js";
import { renderJson } from "../ui/table.js";
import { outputArg } from "./shared.js";

/** `spt-coder whoami`: who the session token belongs to, and where. */
export const whoamiCommand = defineCommand<{ output: "text" | "json" }>({
  command: "whoami",
  describe: "Show the Coder deployment and the user the session token belongs to",
  args: outputArg(["text", "json"]),
  examples: [["spt-coder whoami -o json", "The user (as Coder returns it) and the URL"]],
  async handler(args, ctx) {
    const session = await openSession(ctx, args);
    const user = await session.client.users.me();
    const orgs = await session.client.organizations.listMine();
    if (args.output === "json") {
      ctx.stdout(renderJson({ url: session.url, user, organizations: orgs.map((o) => o.name) }));
      return;
    }
    // coder whoami's own sentence.
    ctx.stdout(`Coder is running at ${session.url}, You're authenticated as ${user.username} !\n`);
  },
});
