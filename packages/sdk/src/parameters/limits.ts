import type { ParameterProblem } from "../errors/flows.js";

/**
 * Coder's Terraform provisioner hands every rich parameter value to `terraform` as one environment variable,
 * `CODER_PARAMETER_<sha256 of the name, 64 hex digits>=<value>` (`provisioner/terraform/provision.go`, the name from
 * the coder provider's `ParameterEnvironmentVariable`). Linux refuses to start a program when one environment
 * string is 128 KiB or more (`MAX_ARG_STRLEN`, 131,072 bytes with its NUL), so a longer value makes the build fail
 * on the provisioner with "argument list too long", after the workspace was created. That is refused here instead.
 */
const ENV_STRING_LIMIT = 131_072;
const ENV_NAME_BYTES = "CODER_PARAMETER_".length + 64 + "=".length;

/** The most bytes (UTF-8) one parameter value may have. */
export const MAX_PARAMETER_VALUE_BYTES = ENV_STRING_LIMIT - ENV_NAME_BYTES - 1;

/**
 * All of a program's arguments and environment share one limit (`ARG_MAX`: a quarter of the stack limit, 2 MiB
 * with the usual 8 MiB stack), so the parameter values together must stay below it too.
 */
export const MAX_PARAMETER_VALUES_TOTAL_BYTES = 2 * 1024 * 1024;

/** The values that are too long for a Coder build to start with, as parameter problems (empty when all fit). */
export function parameterSizeProblems(inputs: Record<string, string>): ParameterProblem[] {
  const problems: ParameterProblem[] = [];
  let total = 0;
  for (const [name, value] of Object.entries(inputs)) {
    const bytes = Buffer.byteLength(value, "utf8");
    total += bytes + ENV_NAME_BYTES + 1;
    if (bytes > MAX_PARAMETER_VALUE_BYTES) {
      problems.push({
        name,
        message: `the value is ${bytes} bytes; Coder's provisioner passes it to Terraform in an environment variable, which Linux limits to ${MAX_PARAMETER_VALUE_BYTES} bytes for a value`,
        allowed: `at most ${MAX_PARAMETER_VALUE_BYTES} bytes`,
      });
    }
  }
  if (problems.length === 0 && total > MAX_PARAMETER_VALUES_TOTAL_BYTES) {
    problems.push({
      name: Object.keys(inputs).join(", "),
      message: `together the values take ${total} bytes of environment; Linux starts Terraform only with less than ${MAX_PARAMETER_VALUES_TOTAL_BYTES} bytes of arguments and environment`,
    });
  }
  return problems;
}
