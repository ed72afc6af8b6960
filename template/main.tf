# spt-flow: a Turbo Flow system-engineering workspace on Docker, with optional nested
# virtualization (/dev/kvm). A light apt-based image plus startup scripts (scripts/*.sh);
# tools are installed into the persistent home volume. README.md explains every knob.
# shared.tf holds what the Kubernetes variant (../template-kubernetes) shares with this one: its
# one source is here, and `pnpm sync-templates` copies it there.

terraform {
  # 1.9 is what the newest Coder modules ask for; nothing older is tested.
  required_version = ">= 1.9"
  required_providers {
    coder = {
      source  = "coder/coder"
      version = ">= 2.5.0, < 3.0.0"
    }
    docker = {
      source = "kreuzwerker/docker"
      # 3.2.0 added upload.permissions (the scripts must be 0755, not executable's 0744).
      # v3 and v4 both work: every devices block sets all three attributes, which v3 needs to
      # avoid replacing the container at every plan.
      version = ">= 3.2.0, < 5.0.0"
    }
  }
}

# ---------------------------------------------------------------------------------------------
# Admin settings: template variables, set with `coder templates push --var name=value`.
# Tool versions, download sources and the setup timeout are in shared.tf.
# ---------------------------------------------------------------------------------------------

variable "docker_socket" {
  type        = string
  default     = ""
  description = "Docker daemon address for the provisioner, e.g. unix:///var/run/docker.sock. Empty: the Docker provider's default."
}

variable "network_mode" {
  type        = string
  default     = "bridge"
  description = "How workspace containers reach the Coder server. bridge: Docker's default network; a Coder on localhost is reached through host.docker.internal (the host gateway). host: the container shares the Docker host's network and reaches the access URL as it is; for a Docker daemon without a bridge network (dockerd --bridge=none) or a Coder listening on the host's loopback only. With host, workspaces share the host's ports: run one workspace per Docker host (a second one's code-server app would reach the first one's editor on 127.0.0.1:13337)."
  validation {
    condition     = contains(["bridge", "host"], var.network_mode)
    error_message = "The network_mode variable must be bridge or host."
  }
}

variable "kvm_passthrough" {
  type        = string
  default     = "auto"
  description = "Whether /dev/kvm is passed into workspaces that ask for nested virtualization: auto (when the provisioner's kernel has KVM, seen in /sys/class/misc/kvm; right when it runs on the Docker host), always, or never."
  validation {
    condition     = contains(["auto", "always", "never"], var.kvm_passthrough)
    error_message = "The kvm_passthrough variable must be auto, always or never."
  }
}

variable "microvm_networking" {
  type        = bool
  default     = false
  description = "Also pass /dev/net/tun and the NET_ADMIN capability into workspaces with nested virtualization, for tap networking of microVMs (Firecracker). Off by default: NET_ADMIN lets the workspace reconfigure its own network."
}

provider "docker" {
  host = var.docker_socket != "" ? var.docker_socket : null
}

data "coder_provisioner" "me" {}

# ---------------------------------------------------------------------------------------------
# Workspace parameters: what a user picks when creating the workspace (the four after this one
# are in shared.tf). Coder hands every value over as a string, so booleans go through tobool().
# ---------------------------------------------------------------------------------------------

data "coder_parameter" "enable_nested_virt" {
  name         = "enable_nested_virt"
  display_name = "Nested virtualization"
  description  = "Pass /dev/kvm into the workspace and install Firecracker (and Kuasar where the host allows it). The workspace still starts on a host without KVM and says so."
  type         = "bool"
  default      = true
  mutable      = true
  icon         = "/icon/memory.svg"
  order        = 1
}

# The locals shared.tf asks for (agent_arch, kvm_passthrough, kvm_passthrough_mode), and the
# container's devices.
locals {
  agent_arch = data.coder_provisioner.me.arch
  # Coder's packaged systemd units (PrivateDevices=yes) and a Coder in Docker Compose hide
  # /dev/kvm from the provisioner, but sysfs still shows the kernel's KVM device. /dev/kvm
  # itself is the fallback: fileexists() fails on a device node, so a failure means it is there.
  # Only meaningful when the provisioner runs on the Docker host (same kernel).
  kvm_on_provisioner = fileexists("/sys/class/misc/kvm/dev") || try(fileexists("/dev/kvm"), true)
  # Docker refuses to create a container whose device is missing on the host: pass /dev/kvm
  # only when it is there, so a host without KVM still gets a working workspace.
  kvm_passthrough      = local.nested_virt && (var.kvm_passthrough == "always" || (var.kvm_passthrough == "auto" && local.kvm_on_provisioner))
  kvm_passthrough_mode = var.kvm_passthrough
  devices              = concat(local.kvm_passthrough ? ["/dev/kvm"] : [], local.microvm_networking ? ["/dev/net/tun"] : [])
  # On Docker's bridge, localhost is the container itself: the agent reaches a Coder on the
  # Docker host's localhost through the host gateway. On the host's network, localhost is the
  # host, and the host gateway may not exist (no bridge, no gateway address).
  host_network = var.network_mode == "host"
  agent_init_script = local.host_network ? coder_agent.main.init_script : replace(
    coder_agent.main.init_script, "/localhost|127\\.0\\.0\\.1/", "host.docker.internal",
  )
}

resource "docker_volume" "home_volume" {
  name = "coder-${data.coder_workspace.me.id}-home"
  # The home folder outlives containers and template changes.
  lifecycle {
    ignore_changes = all
  }
  labels {
    label = "coder.owner"
    value = data.coder_workspace_owner.me.name
  }
  labels {
    label = "coder.owner_id"
    value = data.coder_workspace_owner.me.id
  }
  labels {
    label = "coder.workspace_id"
    value = data.coder_workspace.me.id
  }
  # The workspace name may change; the volume keeps the name it was created under.
  labels {
    label = "coder.workspace_name_at_creation"
    value = data.coder_workspace.me.name
  }
}

resource "docker_container" "workspace" {
  # One container per start; stopping the workspace destroys it, the home volume stays.
  count    = data.coder_workspace.me.start_count
  image    = data.coder_parameter.workspace_image.value
  name     = "coder-${data.coder_workspace_owner.me.name}-${lower(data.coder_workspace.me.name)}"
  hostname = data.coder_workspace.me.name
  # Docker's tini as PID 1 reaps orphaned processes: the agent does so only as PID 1, and the
  # bootstrap's runuser stays in between.
  init = true
  # The root bootstrap prepares the image, then runs the agent's init script as the user.
  entrypoint   = ["/bin/bash", "${local.scripts_dir}/bootstrap.sh", local.agent_init_script]
  network_mode = var.network_mode
  env = [
    "CODER_AGENT_TOKEN=${coder_agent.main.token}",
    "SPT_USER=${local.username}",
    "SPT_HOME=${local.home}",
    "SPT_NESTED_VIRT=${local.nested_virt}",
    "SPT_KVM_PASSTHROUGH=${local.kvm_passthrough}",
  ]

  dynamic "host" {
    for_each = local.host_network ? [] : ["host.docker.internal"]
    content {
      host = host.value
      ip   = "host-gateway"
    }
  }

  volumes {
    container_path = local.home
    volume_name    = docker_volume.home_volume.name
    read_only      = false
  }

  # KVM through a device, not `privileged`: the workspace gets /dev/kvm (and, for microVM tap
  # networking, /dev/net/tun) and nothing else.
  dynamic "devices" {
    for_each = local.devices
    content {
      host_path      = devices.value
      container_path = devices.value
      permissions    = "rwm"
    }
  }

  dynamic "capabilities" {
    for_each = local.microvm_networking ? ["NET_ADMIN"] : []
    content {
      add = [capabilities.value]
    }
  }

  # The scripts are copied in before the container starts, so they stay plain files here.
  # Uploads belong to root; `executable = true` would give 0744, which the user cannot run.
  dynamic "upload" {
    for_each = fileset(path.module, "scripts/*.sh")
    content {
      file        = "${local.scripts_dir}/${basename(upload.value)}"
      content     = file("${path.module}/${upload.value}")
      permissions = "0755"
    }
  }

  labels {
    label = "coder.owner"
    value = data.coder_workspace_owner.me.name
  }
  labels {
    label = "coder.owner_id"
    value = data.coder_workspace_owner.me.id
  }
  labels {
    label = "coder.workspace_id"
    value = data.coder_workspace.me.id
  }
  labels {
    label = "coder.workspace_name"
    value = data.coder_workspace.me.name
  }
}

resource "coder_metadata" "workspace" {
  count       = data.coder_workspace.me.start_count
  resource_id = docker_container.workspace[0].id
  item {
    key   = "image"
    value = data.coder_parameter.workspace_image.value
  }
  item {
    key   = "/dev/kvm passed in"
    value = local.kvm_passthrough ? "yes" : (local.nested_virt ? "no (host has no KVM, or kvm_passthrough = never)" : "no (nested virtualization off)")
  }
  item {
    key   = "repository"
    value = data.coder_parameter.repo_url.value
  }
}
