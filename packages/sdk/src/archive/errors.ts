import { CoderInvalidInputError } from "../client/errors.js";

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
  readonly largestFiles: ArchiveFileSize[];
  readonly size: number | undefined;

  constructor(message: string, init: TemplateArchiveErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.dir = init.dir;
    this.path = init.path;
    this.largestFiles = init.largestFiles ?? [];
    this.size = init.size;
  }
}
