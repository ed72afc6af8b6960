// biome-ignore-all lint/suspicious/noTemplateCurlyInString: HCL interpolations inside the template sources
/** Dynamic templates the fake's tests (and the SDK's and CLI's) render: each exercises one part of the evaluator. */

const PROVIDERS = `terraform {
  required_providers {
    coder = { source = "coder/coder" }
  }
}
data "coder_workspace_owner" "me" {}
data "coder_workspace" "me" {}
resource "coder_agent" "main" {
  os   = "linux"
  arch = "amd64"
}
`;

/** `b` exists only when `a` is set; `b` takes a lower-case word. */
export const CONDITIONAL_TF = `${PROVIDERS}
data "coder_parameter" "a" {
  name    = "a"
  type    = "string"
  default = ""
  mutable = true
  order   = 1
}
data "coder_parameter" "b" {
  count   = data.coder_parameter.a.value != "" ? 1 : 0
  name    = "b"
  type    = "string"
  mutable = true
  order   = 2
  validation {
    regex = "^[a-z]+$"
    error = "b is one lower-case word"
  }
}
`;

/** Options from a local map, a default from an expression, a size that depends on the region. */
export const OPTIONS_TF = `${PROVIDERS}
locals {
  regions = { eu = "Europe", us = "United States" }
  sizes   = { eu = ["small", "large"], us = ["small"] }
}
data "coder_parameter" "region" {
  name    = "region"
  default = "eu"
  mutable = true
  order   = 1
  dynamic "option" {
    for_each = local.regions
    content {
      name  = option.value
      value = option.key
    }
  }
}
data "coder_parameter" "size" {
  name    = "size"
  default = element(local.sizes[data.coder_parameter.region.value], 0)
  mutable = true
  order   = 2
  dynamic "option" {
    for_each = local.sizes[data.coder_parameter.region.value]
    content {
      name  = upper(option.value)
      value = option.value
    }
  }
}
data "coder_parameter" "disk" {
  name    = "disk"
  type    = "number"
  default = data.coder_parameter.size.value == "large" ? 100 : 20
  order   = 3
  validation {
    min = 10
    max = 200
  }
}
`;

/** A parameter only admins see, with options from the owner's groups. */
export const GROUPS_TF = `${PROVIDERS}
data "coder_parameter" "team" {
  name    = "team"
  default = data.coder_workspace_owner.me.groups[0]
  dynamic "option" {
    for_each = data.coder_workspace_owner.me.groups
    content {
      name  = option.value
      value = option.value
    }
  }
}
data "coder_parameter" "debug" {
  count   = contains(data.coder_workspace_owner.me.groups, "admins") ? 1 : 0
  name    = "debug"
  type    = "bool"
  default = false
}
`;

/** Presets: the default one sets the region; another has prebuilds. */
export const PRESETS_TF = `${OPTIONS_TF}
data "coder_workspace_preset" "us" {
  name    = "US"
  default = true
  parameters = {
    region = "us"
    size   = "small"
  }
}
data "coder_workspace_preset" "big" {
  name        = "Big"
  description = "Large machines, kept warm"
  parameters = {
    (data.coder_parameter.region.name) = "eu"
    size                                = "large"
  }
  prebuilds {
    instances = 2
  }
}
`;

/** An immutable parameter and one with an unsupported construct. */
export const IMMUTABLE_TF = `${PROVIDERS}
data "coder_parameter" "image" {
  name    = "image"
  default = "ubuntu"
  mutable = false
}
`;

/** A default that uses a function the fake does not evaluate: an error diagnostic, not a wrong value. */
export const UNSUPPORTED_TF = `${PROVIDERS}
data "coder_parameter" "name" {
  name    = "name"
  default = base64encode("x")
}
`;
