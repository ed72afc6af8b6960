import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { convertFiles } from "@cdktn/hcl2json";
import { blocks, type HclObject, loadTemplate } from "../../template/helpers/template.js";

/** The Kubernetes variant of the spt-flow template. */
export const K8S_TEMPLATE_DIR = fileURLToPath(new URL("../../../template-kubernetes/", import.meta.url));
/** Its generated copies of template/scripts, mounted into the pod from a ConfigMap. */
export const K8S_SCRIPTS_DIR = join(K8S_TEMPLATE_DIR, "scripts");

let parsed: Promise<HclObject> | undefined;

/** All top-level `.tf` files of template-kubernetes/, merged and parsed by HashiCorp's HCL parser. */
export function loadKubernetesTemplate(): Promise<HclObject> {
  parsed ??= convertFiles(K8S_TEMPLATE_DIR);
  return parsed;
}

/** The Docker template, for the parts both variants must share. */
export const loadDockerTemplate = loadTemplate;

/** The merged `locals` of a parsed template. */
export function localsOf(template: HclObject): Record<string, unknown> {
  return Object.assign({}, ...blocks(template, "locals"));
}

/** A file of template-kubernetes/, by path relative to it. */
export function kubernetesText(relative: string): string {
  return readFileSync(join(K8S_TEMPLATE_DIR, relative), "utf8");
}

/** The Kubernetes template's scripts, as absolute paths. */
export function kubernetesScriptFiles(): string[] {
  return readdirSync(K8S_SCRIPTS_DIR)
    .filter((name) => name.endsWith(".sh"))
    .sort()
    .map((name) => join(K8S_SCRIPTS_DIR, name));
}
