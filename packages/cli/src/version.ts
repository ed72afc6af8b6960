declare const __SPT_CODER_VERSION__: string | undefined;

/** The CLI's version: inlined by the bundler (build.mjs); `0.0.0-dev` when running from sources. */
export const VERSION: string =
  typeof __SPT_CODER_VERSION__ === "string" ? __SPT_CODER_VERSION__ : "0.0.0-dev";
