# spt-flow on Kubernetes: the same Turbo Flow system-engineering workspace as ../template (Docker),
# as one pod per start with a persistent volume claim for the home folder, and /dev/kvm from a
# device plugin. scripts/*.sh are generated copies of ../template/scripts (pnpm sync-templates).
# README.md explains every knob and what the cluster needs.

terraform {
  # 1.9 is what the newest Coder modules ask for; nothing older is tested.
  required_version = ">= 1.9"
  required_providers {
    coder = {
      source  = "coder/coder"
      version = ">= 2.5.0, < 3.0.0"
    }
    kubernetes = {
      source = "hashicorp/kubernetes"
      # The tests check every block and attribute against the 2.38.0 schema.
      version = ">= 2.23.0, < 3.0.0"
    }
  }
}

# ---------------------------------------------------------------------------------------------
# Admin settings: template variables, set with `coder templates push --var name=value`.
# ---------------------------------------------------------------------------------------------

variable "use_kubeconfig" {
  type        = bool
  default     = false
  description = "Use ~/.kube/config of the Coder provisioner (true) when Coder runs outside the cluster; false when it runs as a pod in it and uses its service account."
}

variable "namespace" {
  type        = string
  description = "The Kubernetes namespace the workspaces go to. It must exist before the first workspace; with Coder running in the same cluster, its own namespace works."
}

variable "storage_class" {
  type        = string
  default     = ""
  description = "StorageClass of the home volume claims. Empty: the cluster's default StorageClass."
}

variable "arch" {
  type        = string
  default     = "amd64"
  description = "CPU architecture of the workspace nodes (amd64 or arm64): the agent binary and the node selector kubernetes.io/arch follow it."
  validation {
    condition     = contains(["amd64", "arm64"], var.arch)
    error_message = "The arch variable must be amd64 or arm64."
  }
}

variable "kvm_device_resource" {
  type        = string
  default     = "devices.kubevirt.io/kvm"
  description = "Extended resource a device plugin offers for /dev/kvm, requested (1) by workspaces with nested virtualization: devices.kubevirt.io/kvm (KubeVirt), smarter-devices/kvm (smarter-device-manager). Empty: never request KVM."
  validation {
    condition     = var.kvm_device_resource == "" || can(regex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$", var.kvm_device_resource))
    error_message = "The kvm_device_resource variable must be an extended resource name such as devices.kubevirt.io/kvm or smarter-devices/kvm, or empty."
  }
}

variable "kvm_node_labels" {
  type        = string
  default     = "feature.node.kubernetes.io/cpu-cpuid.VMX=true feature.node.kubernetes.io/cpu-cpuid.SVM=true"
  description = "Node labels of KVM-capable nodes, separated by spaces or commas, any one of which is enough: key=value, or key alone for 'label present'. The default is what Node Feature Discovery sets for Intel VT-x and AMD-V. Empty: no node affinity, only the device resource."
  validation {
    condition     = alltrue([for item in regexall("[^\\s,]+", var.kvm_node_labels) : can(regex("^[A-Za-z0-9][-A-Za-z0-9_./]*(=[-A-Za-z0-9_.]{0,63})?$", item))])
    error_message = "The kvm_node_labels variable must be node labels separated by spaces or commas, each key=value or key, e.g. feature.node.kubernetes.io/cpu-cpuid.VMX=true."
  }
}

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

variable "microvm_networking" {
  type        = bool
  default     = false
  description = "Also request /dev/net/tun from the device plugin (tun_device_resource) and add the NET_ADMIN capability for workspaces that request KVM, for tap networking of microVMs (Firecracker). Off by default: NET_ADMIN lets the workspace reconfigure its own network, and Pod Security baseline forbids it."
}

variable "tun_device_resource" {
  type        = string
  default     = "devices.kubevirt.io/tun"
  description = "Extended resource a device plugin offers for /dev/net/tun, requested with microvm_networking: devices.kubevirt.io/tun (KubeVirt), smarter-devices/net_tun (smarter-device-manager)."
  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$", var.tun_device_resource))
    error_message = "The tun_device_resource variable must be an extended resource name such as devices.kubevirt.io/tun or smarter-devices/net_tun."
  }
}

variable "setup_timeout_seconds" {
  type        = number
  default     = 4800
  description = "How long the Turbo Flow setup script may run before it is stopped and reported as failed (timeout). The start script's own timeout is 10 minutes longer."
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

provider "kubernetes" {
  # Outside the cluster: the provisioner's kubeconfig. Inside: the pod's service account.
  config_path = var.use_kubeconfig ? "~/.kube/config" : null
}

provider "coder" {}

data "coder_workspace" "me" {}

data "coder_workspace_owner" "me" {}

# ---------------------------------------------------------------------------------------------
# Workspace parameters: the five of the Docker template (same names and defaults), then the
# pod's size. Coder hands every value over as a string, so booleans go through tobool().
# ---------------------------------------------------------------------------------------------

data "coder_parameter" "enable_nested_virt" {
  name         = "enable_nested_virt"
  display_name = "Nested virtualization"
  description  = "Request /dev/kvm from the cluster's KVM device plugin (the pod then runs on a KVM-capable node) and install Firecracker (and Kuasar where the node allows it)."
  type         = "bool"
  default      = true
  mutable      = true
  icon         = "/icon/memory.svg"
  order        = 1
}

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

data "coder_parameter" "cpu" {
  name         = "cpu"
  display_name = "CPU"
  description  = "CPU cores the workspace may use (its limit). Rust and Go builds, Turbo Flow's agents and microVMs all want more than two."
  type         = "number"
  default      = 4
  mutable      = true
  icon         = "/icon/memory.svg"
  order        = 6

  option {
    name  = "2 cores"
    value = 2
  }
  option {
    name  = "4 cores"
    value = 4
  }
  option {
    name  = "8 cores"
    value = 8
  }
  option {
    name  = "16 cores"
    value = 16
  }
}

data "coder_parameter" "memory" {
  name         = "memory"
  display_name = "Memory"
  description  = "Memory in GiB (the pod's limit; half of it is reserved on the node)."
  type         = "number"
  default      = 8
  mutable      = true
  icon         = "/icon/memory.svg"
  order        = 7

  option {
    name  = "4 GiB"
    value = 4
  }
  option {
    name  = "8 GiB"
    value = 8
  }
  option {
    name  = "16 GiB"
    value = 16
  }
  option {
    name  = "32 GiB"
    value = 32
  }
}

data "coder_parameter" "home_disk_size" {
  name         = "home_disk_size"
  display_name = "Home disk size"
  description  = "Size of the persistent home volume in GiB. Every tool (Go, Rust, Node, code-server, Turbo Flow's npm packages) is installed there. Fixed once the workspace exists."
  type         = "number"
  default      = 30
  # A claim's size is set when it is created; growing it needs a StorageClass that allows it.
  mutable = false
  icon    = "/emojis/1f4be.png"
  order   = 8

  validation {
    min = 10
    max = 1000
  }
}

locals {
  username    = "coder"
  uid         = 1000
  home        = "/home/coder"
  scripts_dir = "/opt/spt-flow"
  nested_virt = tobool(data.coder_parameter.enable_nested_virt.value)
  # A pod sees /dev/kvm only through a device plugin's resource: no request, no device.
  kvm_requested = local.nested_virt && var.kvm_device_resource != ""
  kvm_resources = local.kvm_requested ? { (var.kvm_device_resource) = "1" } : {}
  # Tap networking for microVMs: only with KVM, and only when the admin turns it on.
  microvm_networking = local.kvm_requested && var.microvm_networking
  tun_resources      = local.microvm_networking ? { (var.tun_device_resource) = "1" } : {}
  # "key=value" entries become one node selector term each (terms are ORed); "key" alone
  # means the label only has to be present. Spaces separate as well as commas, because the
  # coder CLI splits a --var value at its commas.
  kvm_node_terms = [
    for item in regexall("[^\\s,]+", var.kvm_node_labels) : {
      key    = split("=", item)[0]
      values = length(split("=", item)) > 1 ? [split("=", item)[1]] : []
    }
  ]
  cpu    = tonumber(data.coder_parameter.cpu.value)
  memory = tonumber(data.coder_parameter.memory.value)
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
  scripts = { for file in fileset(path.module, "scripts/*.sh") : basename(file) => file("${path.module}/${file}") }
  labels = {
    "app.kubernetes.io/name"     = "spt-flow-workspace"
    "app.kubernetes.io/instance" = "coder-workspace-${data.coder_workspace.me.id}"
    "app.kubernetes.io/part-of"  = "coder"
    "com.coder.resource"         = "true"
    "com.coder.workspace.id"     = data.coder_workspace.me.id
    "com.coder.workspace.name"   = data.coder_workspace.me.name
    "com.coder.user.id"          = data.coder_workspace_owner.me.id
    "com.coder.user.username"    = data.coder_workspace_owner.me.name
  }
  # A Deployment's selector cannot change after creation: only labels that never change.
  selector_labels = {
    "app.kubernetes.io/instance" = "coder-workspace-${data.coder_workspace.me.id}"
    "com.coder.workspace.id"     = data.coder_workspace.me.id
  }
}

resource "coder_agent" "main" {
  arch = var.arch
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
    SPT_KVM_PASSTHROUGH      = tostring(local.kvm_requested)
    SPT_KVM_PASSTHROUGH_MODE = var.kvm_device_resource == "" ? "never" : "always"
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

# The same start scripts as the Docker template: in parallel, none blocking login. The agent
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

resource "kubernetes_persistent_volume_claim_v1" "home" {
  metadata {
    name        = "coder-${data.coder_workspace.me.id}-home"
    namespace   = var.namespace
    labels      = local.labels
    annotations = { "com.coder.user.email" = data.coder_workspace_owner.me.email }
  }
  # With a WaitForFirstConsumer StorageClass the claim binds only once the pod is scheduled.
  wait_until_bound = false
  spec {
    access_modes       = ["ReadWriteOnce"]
    storage_class_name = var.storage_class != "" ? var.storage_class : null
    resources {
      requests = {
        storage = "${data.coder_parameter.home_disk_size.value}Gi"
      }
    }
  }
  # The home outlives pods and template changes: a changed claim spec would replace the claim
  # and lose the home.
  lifecycle {
    ignore_changes = all
  }
}

resource "kubernetes_deployment_v1" "workspace" {
  # One pod per start; stopping the workspace deletes the Deployment, the claim stays.
  count = data.coder_workspace.me.start_count
  # Coder follows the agent, not the rollout: a pod waiting for a KVM node must not fail the build.
  wait_for_rollout = false
  metadata {
    name        = "coder-${data.coder_workspace.me.id}"
    namespace   = var.namespace
    labels      = local.labels
    annotations = { "com.coder.user.email" = data.coder_workspace_owner.me.email }
  }

  spec {
    replicas = 1
    selector {
      match_labels = local.selector_labels
    }
    # Never two pods on one ReadWriteOnce home.
    strategy {
      type = "Recreate"
    }

    template {
      metadata {
        labels = local.labels
        # The scripts travel in the pod's own annotations (256 KiB for all of them) and reach
        # the container as files through the downward API: no ConfigMap, which the Coder Helm
        # chart's service account may not create. Other scripts make a new pod.
        annotations = { for name, text in local.scripts : "spt-flow/${name}" => text }
      }
      spec {
        # The agent binary is built for var.arch.
        node_selector = { "kubernetes.io/arch" = var.arch }
        # The Kubernetes counterpart of Docker's init = true: with a shared process namespace the
        # pod's pause container is PID 1 and reaps orphaned processes. The agent reaps only as
        # PID 1, and the bootstrap's runuser stays in between and waits for its own child only.
        share_process_namespace = true

        # The workspace user's ids. fs_group makes the new home volume writable for it;
        # OnRootMismatch skips the recursive chown of a big home at every start.
        security_context {
          run_as_user            = local.uid
          run_as_group           = local.uid
          fs_group               = local.uid
          fs_group_change_policy = "OnRootMismatch"
        }

        container {
          name              = "dev"
          image             = data.coder_parameter.workspace_image.value
          image_pull_policy = "IfNotPresent"
          # The root bootstrap prepares the bare image (apt, the user, /dev/kvm's group), then
          # runs the agent's init script as uid 1000 with runuser.
          command = [
            "/bin/bash",
            "${local.scripts_dir}/bootstrap.sh",
            coder_agent.main.init_script,
          ]
          # Only this entrypoint starts as root (apt-get and useradd need it); the agent and
          # everything the user starts run as uid 1000. Never privileged: KVM (and the tun
          # device) come from the device plugin below.
          security_context {
            run_as_user  = 0
            run_as_group = 0
            privileged   = false
            # Tap devices for microVMs, created with sudo: only with microvm_networking.
            dynamic "capabilities" {
              for_each = local.microvm_networking ? ["NET_ADMIN"] : []
              content {
                add = [capabilities.value]
              }
            }
          }
          env {
            name  = "CODER_AGENT_TOKEN"
            value = coder_agent.main.token
          }
          env {
            name  = "SPT_USER"
            value = local.username
          }
          env {
            name  = "SPT_UID"
            value = tostring(local.uid)
          }
          env {
            name  = "SPT_HOME"
            value = local.home
          }
          env {
            name  = "SPT_NESTED_VIRT"
            value = tostring(local.nested_virt)
          }
          env {
            name  = "SPT_KVM_PASSTHROUGH"
            value = tostring(local.kvm_requested)
          }
          resources {
            # A quarter of the CPU and half the memory are reserved; the rest may be borrowed.
            # An extended resource is never overcommitted: request and limit are both 1.
            requests = merge({
              cpu    = "${local.cpu * 250}m"
              memory = "${local.memory * 512}Mi"
            }, local.kvm_resources, local.tun_resources)
            limits = merge({
              cpu    = tostring(local.cpu)
              memory = "${local.memory}Gi"
            }, local.kvm_resources, local.tun_resources)
          }
          volume_mount {
            name       = "home"
            mount_path = local.home
            read_only  = false
          }
          volume_mount {
            name       = "scripts"
            mount_path = local.scripts_dir
            read_only  = true
          }
        }

        volume {
          name = "home"
          persistent_volume_claim {
            claim_name = kubernetes_persistent_volume_claim_v1.home.metadata[0].name
            read_only  = false
          }
        }
        # 0755: the agent runs the scripts as the workspace user (`exec /opt/spt-flow/x.sh`).
        volume {
          name = "scripts"
          downward_api {
            default_mode = "0755"
            dynamic "items" {
              for_each = local.scripts
              content {
                path = items.key
                field_ref {
                  field_path = "metadata.annotations['spt-flow/${items.key}']"
                }
              }
            }
          }
        }

        affinity {
          # With nested virtualization: only nodes labelled KVM-capable. The device resource
          # alone would already keep the pod off nodes without the plugin's /dev/kvm.
          dynamic "node_affinity" {
            for_each = local.kvm_requested && length(local.kvm_node_terms) > 0 ? [local.kvm_node_terms] : []
            content {
              required_during_scheduling_ignored_during_execution {
                dynamic "node_selector_term" {
                  for_each = node_affinity.value
                  content {
                    match_expressions {
                      key      = node_selector_term.value.key
                      operator = length(node_selector_term.value.values) > 0 ? "In" : "Exists"
                      values   = node_selector_term.value.values
                    }
                  }
                }
              }
            }
          }
          # Spread workspaces over the nodes.
          pod_anti_affinity {
            preferred_during_scheduling_ignored_during_execution {
              weight = 1
              pod_affinity_term {
                topology_key = "kubernetes.io/hostname"
                label_selector {
                  match_expressions {
                    key      = "app.kubernetes.io/name"
                    operator = "In"
                    values   = ["spt-flow-workspace"]
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}

resource "coder_metadata" "workspace" {
  count       = data.coder_workspace.me.start_count
  resource_id = kubernetes_deployment_v1.workspace[0].id
  item {
    key   = "image"
    value = data.coder_parameter.workspace_image.value
  }
  item {
    key   = "size"
    value = "${local.cpu} CPU, ${local.memory} GiB memory, ${data.coder_parameter.home_disk_size.value} GiB home"
  }
  item {
    key   = "/dev/kvm requested"
    value = local.kvm_requested ? "yes (${var.kvm_device_resource})" : (local.nested_virt ? "no (kvm_device_resource is empty)" : "no (nested virtualization off)")
  }
  item {
    key   = "repository"
    value = data.coder_parameter.repo_url.value
  }
}
