# spt-flow on Kubernetes: the same Turbo Flow system-engineering workspace as ../template (Docker),
# as one pod per start with a persistent volume claim for the home folder, and /dev/kvm from a
# device plugin. shared.tf and scripts/*.sh are generated copies of ../template's (pnpm
# sync-templates): the variables, parameters, agent, scripts and app both variants share.
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
# Tool versions, download sources and the setup timeout are in shared.tf.
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

provider "kubernetes" {
  # Outside the cluster: the provisioner's kubeconfig. Inside: the pod's service account.
  config_path = var.use_kubeconfig ? "~/.kube/config" : null
}

# ---------------------------------------------------------------------------------------------
# Workspace parameters: the Docker template's five (enable_nested_virt here, four in shared.tf),
# then the pod's size. Coder hands every value over as a string, so booleans go through tobool().
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

# The locals shared.tf asks for (agent_arch, kvm_passthrough, kvm_passthrough_mode), then the
# pod's own.
locals {
  agent_arch = var.arch
  uid        = 1000
  # A pod sees /dev/kvm only through a device plugin's resource: no request, no device.
  kvm_passthrough      = local.nested_virt && var.kvm_device_resource != ""
  kvm_passthrough_mode = var.kvm_device_resource == "" ? "never" : "always"
  kvm_resources        = local.kvm_passthrough ? { (var.kvm_device_resource) = "1" } : {}
  tun_resources        = local.microvm_networking ? { (var.tun_device_resource) = "1" } : {}
  # "key=value" entries become one node selector term each (terms are ORed); "key" alone
  # means the label only has to be present. Spaces separate as well as commas, because the
  # coder CLI splits a --var value at its commas.
  kvm_node_terms = [
    for item in regexall("[^\\s,]+", var.kvm_node_labels) : {
      key    = split("=", item)[0]
      values = length(split("=", item)) > 1 ? [split("=", item)[1]] : []
    }
  ]
  cpu     = tonumber(data.coder_parameter.cpu.value)
  memory  = tonumber(data.coder_parameter.memory.value)
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
            value = tostring(local.kvm_passthrough)
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
            for_each = local.kvm_passthrough && length(local.kvm_node_terms) > 0 ? [local.kvm_node_terms] : []
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
    value = local.kvm_passthrough ? "yes (${var.kvm_device_resource})" : (local.nested_virt ? "no (kvm_device_resource is empty)" : "no (nested virtualization off)")
  }
  item {
    key   = "repository"
    value = data.coder_parameter.repo_url.value
  }
}
