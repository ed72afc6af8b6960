# The part of the spt-flow workspace both variants share: the tool versions and download sources
# an admin sets, four of the workspace parameters, the agent with its environment and metadata,
# the start scripts and the code-server app. Its one source is template/shared.tf;
# `pnpm sync-templates` copies it into template-kubernetes/ (`--check` fails on drift).
#
# Each variant's main.tf declares the rest: its providers, the enable_nested_virt parameter and
# the microvm_networking variable (worded for its platform), the container or pod, and these locals:
#   agent_arch           the agent's CPU architecture;
#   kvm_passthrough      whether the workspace gets /dev/kvm (Docker passes the device through,
#                        Kubernetes requests it from a device plugin);
#   kvm_passthrough_mode how the admin set that up: auto, always or never.

# ---------------------------------------------------------------------------------------------
# Admin settings: template variables, set with `coder templates push --var name=value`.
# ---------------------------------------------------------------------------------------------

variable "node_version" {
  type        = string
  default     = "22.16.0"
  description = "Node.js version installed into ~/.local/node (Turbo Flow keeps Node 18-24)."
}

variable "go_version" {
  type        = string
  default     = "1.24.4"
  description = "Go version installed into ~/.local/go."
}

variable "rust_toolchain" {
  type        = string
  default     = "stable"
  description = "Rust toolchain installed with rustup (stable, or a version such as 1.87.0)."
}

variable "code_server_version" {
  type        = string
  default     = "4.100.3"
  description = "code-server version installed into ~/.local."
}

variable "gh_version" {
  type        = string
  default     = "2.74.0"
  description = "GitHub CLI version installed into ~/.local/gh."
}

variable "nex_version" {
  type        = string
  default     = "0.4.1"
  description = "Synadia Nex release (tags have no v), installed into ~/.local/bin."
}

variable "nats_server_version" {
  type        = string
  default     = "2.11.4"
  description = "NATS server release installed into ~/.local/bin; nex needs one to run workloads."
}

variable "wash_version" {
  type        = string
  default     = "0.42.0"
  description = "wasmCloud wash release (tag wash-v<version> of wasmCloud/wasmCloud), installed into ~/.local/bin."
}

variable "firecracker_version" {
  type        = string
  default     = "1.12.0"
  description = "Firecracker release installed into ~/.local/bin when nested virtualization is on."
}

variable "kuasar_version" {
  type        = string
  default     = "1.0.1"
  description = "Kuasar release installed into ~/.local/kuasar when nested virtualization is usable (x86_64 only)."
}

variable "setup_timeout_seconds" {
  type        = number
  default     = 4800
  description = "How long the Turbo Flow setup script may run before it is stopped and reported as failed (timeout). The start script's own timeout is 10 minutes longer."
}

# A string, not a list: Coder's template variables are strings, numbers or bools.
variable "extra_workspace_images" {
  type        = string
  default     = ""
  description = "More images offered as the Base image beside the Ubuntu and Debian ones, separated by spaces or commas, e.g. an image of your own registry, or one imported into a Docker host that cannot pull (docker import). Each must be apt-based, with useradd and bash; the bootstrap installs only what it lacks."
}

# Download sources: the upstream sites by default; point them at a mirror (or an air-gapped copy
# laid out the same way) to install without the internet.
variable "github_url" {
  type        = string
  default     = "https://github.com"
  description = "Where GitHub release assets are downloaded from (gh, code-server, wash, nex, nats-server, Firecracker, Kuasar)."
}

variable "github_api_url" {
  type        = string
  default     = "https://api.github.com"
  description = "GitHub's API, read for the sha256 digests of release assets whose projects publish no checksum file (code-server, wash, Kuasar)."
}

variable "go_download_url" {
  type        = string
  default     = "https://go.dev/dl"
  description = "Go downloads and their checksum list (?mode=json)."
}

variable "node_download_url" {
  type        = string
  default     = "https://nodejs.org/dist"
  description = "Node.js downloads and SHASUMS256.txt."
}

variable "rustup_download_url" {
  type        = string
  default     = "https://static.rust-lang.org/rustup"
  description = "rustup-init downloads and their .sha256 files."
}

provider "coder" {}

data "coder_workspace" "me" {}

data "coder_workspace_owner" "me" {}

# ---------------------------------------------------------------------------------------------
# Workspace parameters (enable_nested_virt, order 1, is in main.tf).
# ---------------------------------------------------------------------------------------------

data "coder_parameter" "workspace_image" {
  name         = "workspace_image"
  display_name = "Base image"
  description  = "An apt-based image; the startup scripts add everything else."
  type         = "string"
  default      = "ubuntu:22.04"
  mutable      = true
  icon         = "/icon/ubuntu.svg"
  order        = 2

  option {
    name        = "Ubuntu 22.04 LTS"
    value       = "ubuntu:22.04"
    description = "The tested default."
    icon        = "/icon/ubuntu.svg"
  }
  option {
    name        = "Ubuntu 24.04 LTS"
    value       = "ubuntu:24.04"
    description = "Newer packages; its built-in user ubuntu becomes coder."
    icon        = "/icon/ubuntu.svg"
  }
  option {
    name        = "Debian 12"
    value       = "debian:12"
    description = "Debian bookworm."
    icon        = "/icon/debian.svg"
  }
  # The admin's own images (variable extra_workspace_images).
  dynamic "option" {
    for_each = regexall("[^\\s,]+", var.extra_workspace_images)
    content {
      name        = option.value
      value       = option.value
      description = "Added by the template admin."
      icon        = "/icon/docker.svg"
    }
  }
}

data "coder_parameter" "repo_url" {
  name         = "repo_url"
  display_name = "Repository"
  description  = "Git repository cloned into the home folder at the first start: https://host/owner/repo, ssh://[user@]host[:port]/path or user@host:path."
  type         = "string"
  default      = "https://github.com/marcuspat/turbo-flow-claude"
  # The clone lives on the home volume; a new URL would not replace it.
  mutable = false
  icon    = "/icon/git.svg"
  order   = 3

  validation {
    regex = "^(https://[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?(/\\.?[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+/?|ssh://([A-Za-z0-9_][A-Za-z0-9._-]*@)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?(/\\.?[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+/?|[A-Za-z0-9_][A-Za-z0-9._-]*@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*:/?\\.?[A-Za-z0-9_~-][A-Za-z0-9._~-]*(/\\.?[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*/?)$"
    error = "Enter a git URL as https://host/owner/repo, ssh://[user@]host[:port]/owner/repo or user@host:owner/repo (no spaces, no credentials, no ./.. segments)."
  }
}

data "coder_parameter" "setup_script" {
  name         = "setup_script"
  display_name = "Setup script"
  description  = "Script inside the repository, run once with bash after the clone (log: ~/.local/state/spt-flow/setup.log). Choosing another one runs it at the next start."
  type         = "string"
  default      = "devpods/setup.sh"
  mutable      = true
  icon         = "/icon/terminal.svg"
  order        = 4

  validation {
    regex = "^\\.?[A-Za-z0-9_][A-Za-z0-9._-]*(/\\.?[A-Za-z0-9_][A-Za-z0-9._-]*)*$"
    error = "Enter a path relative to the repository root, such as devpods/setup.sh: no leading / or -, no . or .. segments, only letters, digits and . _ -."
  }
}

data "coder_parameter" "install_wasm_tools" {
  name         = "install_wasm_tools"
  display_name = "Rust WebAssembly targets"
  description  = "Add the wasm32-wasip1, wasm32-wasip2 and wasm32-unknown-unknown targets to the Rust toolchain."
  type         = "bool"
  default      = true
  mutable      = true
  icon         = "/icon/rust.svg"
  order        = 5
}

locals {
  username    = "coder"
  home        = "/home/coder"
  scripts_dir = "/opt/spt-flow"
  nested_virt = tobool(data.coder_parameter.enable_nested_virt.value)
  # Tap networking for microVMs: only with KVM, and only when the admin turns it on.
  microvm_networking = local.kvm_passthrough && var.microvm_networking
  # Last path segment without .git: the folder git clone would pick.
  repo_name_pattern = "([^/:]+?)(?:\\.git)?/?$"
  repo_name         = try(regex(local.repo_name_pattern, data.coder_parameter.repo_url.value)[0], "workspace")
  repo_dir          = "${local.home}/${local.repo_name}"
  code_server_port  = 13337
  # The start script's timeout leaves the setup's own timeout time to be reported.
  turbo_flow_timeout = var.setup_timeout_seconds + 600
  # The user's tool folders in front of the agent's PATH: a value in coder_agent.env replaces
  # the variable, and the agent expands $PATH in it, which keeps the folder of its own `coder`
  # binary (the metadata's `coder stat` needs it).
  path = join(":", [
    "${local.home}/.local/bin",
    "${local.home}/.local/node/bin",
    "${local.home}/.npm-global/bin",
    "${local.home}/.local/go/bin",
    "${local.home}/go/bin",
    "${local.home}/.cargo/bin",
    "${local.home}/.claude/bin",
    "$PATH",
  ])
}

resource "coder_agent" "main" {
  arch = local.agent_arch
  os   = "linux"

  env = {
    GIT_AUTHOR_NAME          = coalesce(data.coder_workspace_owner.me.full_name, data.coder_workspace_owner.me.name)
    GIT_AUTHOR_EMAIL         = data.coder_workspace_owner.me.email
    GIT_COMMITTER_NAME       = coalesce(data.coder_workspace_owner.me.full_name, data.coder_workspace_owner.me.name)
    GIT_COMMITTER_EMAIL      = data.coder_workspace_owner.me.email
    PATH                     = local.path
    WORKSPACE_FOLDER         = local.repo_dir
    AGENTS_DIR               = "${local.repo_dir}/agents"
    SPT_REPO_URL             = data.coder_parameter.repo_url.value
    SPT_REPO_DIR             = local.repo_dir
    SPT_SETUP_SCRIPT         = data.coder_parameter.setup_script.value
    SPT_NESTED_VIRT          = tostring(local.nested_virt)
    SPT_KVM_PASSTHROUGH      = tostring(local.kvm_passthrough)
    SPT_KVM_PASSTHROUGH_MODE = local.kvm_passthrough_mode
    SPT_INSTALL_WASM_TOOLS   = tostring(tobool(data.coder_parameter.install_wasm_tools.value))
    SPT_NODE_VERSION         = var.node_version
    SPT_GO_VERSION           = var.go_version
    SPT_RUST_TOOLCHAIN       = var.rust_toolchain
    SPT_CODE_SERVER_VERSION  = var.code_server_version
    SPT_CODE_SERVER_PORT     = tostring(local.code_server_port)
    SPT_GH_VERSION           = var.gh_version
    SPT_NEX_VERSION          = var.nex_version
    SPT_NATS_SERVER_VERSION  = var.nats_server_version
    SPT_WASH_VERSION         = var.wash_version
    SPT_FIRECRACKER_VERSION  = var.firecracker_version
    SPT_KUASAR_VERSION       = var.kuasar_version
    SPT_MICROVM_NETWORKING   = tostring(local.microvm_networking)
    SPT_SETUP_TIMEOUT        = tostring(var.setup_timeout_seconds)
    SPT_GITHUB_URL           = var.github_url
    SPT_GITHUB_API_URL       = var.github_api_url
    SPT_GO_DOWNLOAD_URL      = var.go_download_url
    SPT_NODE_DOWNLOAD_URL    = var.node_download_url
    SPT_RUSTUP_DOWNLOAD_URL  = var.rustup_download_url
  }

  display_apps {
    vscode                 = true
    vscode_insiders        = false
    web_terminal           = true
    ssh_helper             = true
    port_forwarding_helper = true
  }

  metadata {
    key          = "0_kvm"
    display_name = "KVM"
    script       = "bash ${local.scripts_dir}/kvm-report.sh --short"
    interval     = 60
    timeout      = 30
  }
  metadata {
    key          = "1_turbo_flow"
    display_name = "Turbo Flow setup"
    script       = "cat \"$HOME/.local/state/spt-flow/setup.status\" 2>/dev/null || echo pending"
    interval     = 15
    timeout      = 1
  }
  metadata {
    key          = "2_cpu_usage"
    display_name = "CPU Usage"
    script       = "coder stat cpu"
    interval     = 10
    timeout      = 1
  }
  metadata {
    key          = "3_ram_usage"
    display_name = "RAM Usage"
    script       = "coder stat mem"
    interval     = 10
    timeout      = 1
  }
  metadata {
    key          = "4_home_disk"
    display_name = "Home Disk"
    script       = "coder stat disk --path $${HOME}"
    interval     = 60
    timeout      = 1
  }
}

# Start scripts run in parallel and none blocks login: the editor, the tools and the Turbo Flow
# setup come up while the user is already in. Each writes its own log in Coder's UI. The agent
# runs each as the workspace user with `sh -c`; `bash file` needs only read access to the file.

resource "coder_script" "kvm_report" {
  agent_id           = coder_agent.main.id
  display_name       = "KVM check"
  icon               = "/icon/memory.svg"
  run_on_start       = true
  start_blocks_login = false
  timeout            = 120
  script             = "exec bash ${local.scripts_dir}/kvm-report.sh"
}

resource "coder_script" "code_server" {
  agent_id           = coder_agent.main.id
  display_name       = "code-server"
  icon               = "/icon/code.svg"
  run_on_start       = true
  start_blocks_login = false
  timeout            = 1800
  script             = "exec bash ${local.scripts_dir}/code-server.sh"
}

resource "coder_script" "tools" {
  agent_id           = coder_agent.main.id
  display_name       = "Developer tools"
  icon               = "/icon/widgets.svg"
  run_on_start       = true
  start_blocks_login = false
  timeout            = 3600
  script             = "exec bash ${local.scripts_dir}/install-tools.sh"
}

resource "coder_script" "turbo_flow" {
  agent_id           = coder_agent.main.id
  display_name       = "Turbo Flow"
  icon               = "/icon/git.svg"
  run_on_start       = true
  start_blocks_login = false
  timeout            = local.turbo_flow_timeout
  script             = "exec bash ${local.scripts_dir}/turbo-flow.sh"
}

resource "coder_app" "code_server" {
  agent_id     = coder_agent.main.id
  slug         = "code-server"
  display_name = "code-server"
  url          = "http://localhost:${local.code_server_port}/?folder=${local.repo_dir}"
  icon         = "/icon/code.svg"
  subdomain    = false
  share        = "owner"
  order        = 1

  healthcheck {
    url       = "http://localhost:${local.code_server_port}/healthz"
    interval  = 5
    threshold = 12
  }
}
