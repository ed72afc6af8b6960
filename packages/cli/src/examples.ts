/**
 * Examples for the commands whose definition has none of its own (`examples` in the command's file wins), so
 * that every `spt-coder <command> --help` shows how it is typed.
 */
export const EXAMPLES: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  push: [
    ["spt-coder push spt-flow -d ./template", "Create the template, or add a version and make it active"],
    ["spt-coder push my-template --var region=eu -m 'Bump Go'", "With a variable and a version message"],
  ],
  list: [
    ["spt-coder list", "Your workspaces as a table"],
    ['spt-coder list --all --search "template:spt-flow status:running"', "Every running spt-flow workspace"],
    ["spt-coder list -o json", "The same data for scripts"],
  ],
  status: [
    ["spt-coder status turbo-flow", "Last build, agents and app URLs of your workspace"],
    ["spt-coder status alice/turbo-flow -o json", "Someone else's workspace, as JSON"],
  ],
  logs: [
    ["spt-coder logs turbo-flow", "Follow the current build until it ends (or replay a finished one)"],
    ["spt-coder logs turbo-flow -o json", "All log lines of the build as one JSON document"],
  ],
  start: [["spt-coder start turbo-flow", "Start a stopped workspace and follow the build"]],
  stop: [["spt-coder stop turbo-flow", "Stop a running workspace and follow the build"]],
  delete: [
    ["spt-coder delete turbo-flow", "Delete after confirming"],
    ["spt-coder delete turbo-flow --yes", "Without asking (scripts)"],
  ],
  login: [
    ["spt-coder login https://coder.example.com", "Check the URL, paste a token, store both"],
    [
      'printf %s "$TOKEN" | spt-coder login https://coder.example.com --token-stdin',
      "Without a terminal (CI); the token never shows in `ps`",
    ],
  ],
  server: [
    ["spt-coder server", "Is Docker there? Print the docker run that starts a local Coder"],
    ["spt-coder server --start --port 7080", "Run it and wait until Coder is healthy"],
  ],
};
