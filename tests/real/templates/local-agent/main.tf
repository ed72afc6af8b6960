# A workspace that is a local process: the coder agent runs on the provisioner's host, started detached at
# start and stopped at stop or delete. Only the coder provider and Terraform built-ins, so the real-server suite
# needs no Docker. Each workspace gets its own folder under `work_root`.
terraform {
  required_providers {
    coder = {
      source = "coder/coder"
    }
  }
}

variable "agent_binary" {
  type        = string
  description = "Path of the coder binary on the provisioner's host; it runs as the workspace's agent."
}

variable "work_root" {
  type        = string
  default     = "/tmp/spt-coder-real"
  description = "Each workspace's agent runs in a folder of its own under this one."
}

data "coder_provisioner" "me" {}
data "coder_workspace" "me" {}
data "coder_workspace_owner" "me" {}

locals {
  dir = "${var.work_root}/${data.coder_workspace.me.id}"
}

resource "coder_agent" "main" {
  arch           = data.coder_provisioner.me.arch
  os             = "linux"
  startup_script = <<-EOT
    echo "startup: workspace ${data.coder_workspace.me.name} of ${data.coder_workspace_owner.me.name}"
    echo "startup: done"
  EOT
}

resource "coder_app" "hello" {
  agent_id     = coder_agent.main.id
  slug         = "hello"
  display_name = "Hello"
  url          = "http://127.0.0.1:1/"
  share        = "owner"
  subdomain    = false
}

resource "terraform_data" "agent" {
  count = data.coder_workspace.me.start_count
  input = {
    dir = local.dir
  }
  # The agent outlives `terraform apply`: setsid detaches it from the provisioner's process group. Its own
  # listeners take any free port, so many workspaces can run side by side on one host.
  provisioner "local-exec" {
    command = <<-EOT
      set -e
      mkdir -p "$DIR"
      cd "$DIR"
      setsid -f env CODER_AGENT_URL="$URL" CODER_AGENT_TOKEN="$TOKEN" CODER_AGENT_AUTH=token \
        CODER_AGENT_LOG_DIR="$DIR" CODER_AGENT_SCRIPT_DATA_DIR="$DIR" \
        CODER_AGENT_PPROF_ADDRESS=127.0.0.1:0 CODER_AGENT_PROMETHEUS_ADDRESS=127.0.0.1:0 \
        CODER_AGENT_DEBUG_ADDRESS=127.0.0.1:0 CODER_AGENT_DEVCONTAINERS_ENABLE=false \
        sh -c 'echo $$ > agent.pid; exec "$0" agent' "$BIN" >"$DIR/agent.out" 2>&1 </dev/null
    EOT
    environment = {
      DIR   = local.dir
      URL   = data.coder_workspace.me.access_url
      TOKEN = coder_agent.main.token
      BIN   = var.agent_binary
    }
  }
  provisioner "local-exec" {
    when    = destroy
    command = <<-EOT
      if [ -f "$DIR/agent.pid" ]; then kill "$(cat "$DIR/agent.pid")" 2>/dev/null || true; fi
      rm -rf "$DIR"
    EOT
    environment = {
      DIR = self.input.dir
    }
  }
}
