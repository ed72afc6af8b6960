/** Vocabulary shared by the records of jobs and of workspaces. */

/** Log levels of jobs and agents. */
export type LogLevel = "trace" | "debug" | "info" | "warn" | "error";
