import { CoderError, CoderInvalidInputError } from "./base.js";

/** One file and its size in bytes, used to point at what makes an archive too big. */
export interface ArchiveFileSize {
  /** The archive entry name (forward slashes, relative to the template folder). */
  name: string;
  size: number;
}

/** What a {@link TemplateArchiveError} is about, beyond its message. */
export interface TemplateArchiveErrorInit {
  /** The absolute template folder that was being packed. */
  dir: string;
  /** The entry concerned (relative, forward slashes), when the problem is one file or folder. */
  path?: string | undefined;
  /** True when the problem is in a variables file (`terraform.tfvars`, `*.auto.tfvars[.json]`), named by `path`. */
  variablesFile?: boolean | undefined;
  /** Set when the archive is too big: the biggest files first, at most five. */
  largestFiles?: ArchiveFileSize[] | undefined;
  /** Set when the archive is too big: the size the archive would have had. */
  size?: number | undefined;
  cause?: unknown;
}

/**
 * A template folder cannot be turned into an archive Coder accepts: no top-level `.tf` file, an unreadable
 * file, a name too long for ustar, an archive of 1 MiB or more, a tfvars file that cannot be converted.
 */
export class TemplateArchiveError extends CoderInvalidInputError {
  override name = "TemplateArchiveError";
  readonly dir: string;
  readonly path: string | undefined;
  /** True when the problem is in a variables file, named by `path`: its values can be given another way. */
  readonly variablesFile: boolean;
  readonly largestFiles: ArchiveFileSize[];
  readonly size: number | undefined;

  constructor(message: string, init: TemplateArchiveErrorInit) {
    super(
      shortenPaths(message, [init.dir, init.path]),
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.dir = init.dir;
    this.path = init.path;
    this.variablesFile = init.variablesFile ?? false;
    this.largestFiles = init.largestFiles ?? [];
    this.size = init.size;
  }
}

/** Paths longer than this are shortened in messages (the error's `dir` and `path` fields keep them whole). */
const LONGEST_PATH_IN_MESSAGE = 160;

/**
 * A folder nested a hundred levels deep makes a path of thousands of characters; quoted whole (sometimes twice) it
 * buries the message. Such a path is shown as its start and end around an ellipsis, with its full length.
 */
function shortenPaths(message: string, paths: (string | undefined)[]): string {
  let out = message;
  for (const path of paths) {
    if (!path || path.length <= LONGEST_PATH_IN_MESSAGE) continue;
    const short = `${path.slice(0, 40)}…${path.slice(-100)} (${path.length} characters)`;
    out = out.split(path).join(short);
  }
  return out;
}

/**
 * The ustar writer was handed an entry it cannot encode (a name or number wider than its header field). Packing
 * checks names and clamps times before writing, so this means a bug in the SDK, not a bad template folder.
 */
export class ArchiveEncodingError extends CoderError {
  override name = "ArchiveEncodingError";
}
