/**
 * The templates the audit pushed to a real Coder (issue 22, item 4), byte for byte: the recorded answers in
 * `audit-answers.json` quote their line numbers.
 */

export const PRESETS_TF = `terraform {
  required_providers {
    coder = { source = "coder/coder" }
  }
}
data "coder_parameter" "cpu" {
  name    = "cpu"
  type    = "number"
  default = 2
  mutable = true
}
data "coder_parameter" "mem" {
  name    = "mem"
  type    = "number"
  default = 4
  mutable = true
}
data "coder_workspace_preset" "any" {
  name = "any"
}
data "coder_workspace_preset" "small" {
  name = "small"
  parameters = { cpu = "2" }
}
data "coder_workspace_preset" "big" {
  name = "big"
  parameters = { cpu = "2", mem = "8" }
}
`;

export const MONO_TF = `terraform {
  required_providers {
    coder = { source = "coder/coder" }
  }
}
data "coder_parameter" "disk" {
  name    = "disk"
  type    = "number"
  default = 5
  mutable = true
  validation {
    min       = 1
    max       = 100
    monotonic = "increasing"
  }
}
data "coder_parameter" "shrink" {
  name    = "shrink"
  type    = "number"
  default = 50
  mutable = true
  validation {
    monotonic = "decreasing"
  }
}
`;

export const CLASSIC_TF = `terraform {
  required_providers {
    coder = { source = "coder/coder" }
  }
}
data "coder_parameter" "region" {
  name         = "region"
  display_name = "Region"
  default      = "eu"
  mutable      = true
  option {
    name  = "EU"
    value = "eu"
  }
  option {
    name  = "US"
    value = "us"
  }
}
data "coder_parameter" "repo" {
  name = "repo"
  type = "string"
}
data "coder_parameter" "size" {
  name    = "size"
  type    = "number"
  default = 5
  mutable = false
  validation {
    min = 1
    max = 10
  }
}
`;

export const DUP_TF = `terraform {
  required_providers {
    coder = { source = "coder/coder" }
  }
}
data "coder_parameter" "a" {
  name    = "x"
  default = "1"
}
data "coder_parameter" "b" {
  name    = "x"
  default = "2"
}
`;

export const NONAME_TF = `terraform {
  required_providers {
    coder = { source = "coder/coder" }
  }
}
data "coder_parameter" "a" {
  default = "1"
}
data "coder_parameter" "b" {
  name    = "ok"
  default = "2"
}
`;
