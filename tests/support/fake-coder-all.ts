// What `@spt-coder/fake-coder` resolves to inside this repository (vitest alias and tsconfig paths): the package's
// root entry plus its msw mode, so tests import both modes from one place. Published, the two are separate
// entries (`@spt-coder/fake-coder` and `@spt-coder/fake-coder/msw`) so that the loopback server, which
// `spt-coder up --demo` runs, never loads msw; tests/install/ checks the published layout.
export * from "../../packages/fake-coder/src/index.js";
export * from "../../packages/fake-coder/src/msw.js";
