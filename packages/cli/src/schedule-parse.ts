import { UsageError } from "./errors.js";

const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/** The machine's time zone as this process sees it (the system setting, e.g. `/etc/localtime`), else UTC. */
export function machineZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/**
 * Parses `coder schedule start`'s words into Coder's weekly cron: `<time> [<days>] [<location>]`, e.g.
 * `9:30AM Mon-Fri Europe/Paris`. Time is `15:04`, `3:04PM` or `3PM`; days are `*`, a range (`Mon-Fri`) or a list
 * (`Mon,Wed,Fri`), default every day; the location is an IANA zone. Without one, as coder does: `$TZ` when it is
 * set (set but empty: UTC), else the machine's zone (`localZone`). A `$TZ` that names no zone is refused, where
 * coder falls back to UTC without a word. Returns `CRON_TZ=<zone> <minute> <hour> * * <days>`.
 */
export function parseAutostart(
  words: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  localZone: () => string = machineZone,
): string {
  const [time, ...rest] = words;
  if (!time) throw scheduleError("a start time is missing");
  const { hour, minute } = parseTime(time);
  let days = "*";
  // coder's tz.TimezoneIANA; a machine zone it could not name is UTC there too.
  const local = env.TZ === undefined ? localZone() : undefined;
  let zone = local === undefined ? env.TZ || "UTC" : knownZone(local) ? local : "UTC";
  // Only $TZ is refused: a zone word was checked as it was read, and the machine's zone was checked above
  // (a legacy name such as EST5EDT is a zone to coder's time.LoadLocation, so it is kept).
  let checkTz = local === undefined;
  for (const word of rest) {
    if (isDays(word))
      days =
        word === "*"
          ? "*"
          : word.toUpperCase().replace(/([A-Z]{3})/g, (d) => d[0] + d.slice(1).toLowerCase());
    else if (isZone(word)) {
      zone = word;
      checkTz = false;
    } else throw scheduleError(`"${word}" is neither days (Mon-Fri, Mon,Wed) nor a time zone (Europe/Paris)`);
  }
  if (checkTz && !knownZone(zone)) throw scheduleError(`"${zone}" (from $TZ) is not a time zone`);
  return `CRON_TZ=${zone} ${minute} ${hour} * * ${days}`;
}

function parseTime(text: string): { hour: number; minute: number } {
  const m = /^(\d{1,2})(?::(\d{2}))?\s*([AaPp][Mm])?$/.exec(text);
  if (!m || (m[2] === undefined && !m[3]))
    throw scheduleError(`"${text}" is not a time (15:04, 3:04PM or 3PM)`);
  let hour = Number(m[1]);
  const minute = Number(m[2] ?? "0");
  const meridiem = m[3]?.toLowerCase();
  if (meridiem && (hour < 1 || hour > 12)) throw scheduleError(`"${text}": the hour must be 1-12 with AM/PM`);
  if (meridiem === "pm" && hour !== 12) hour += 12;
  if (meridiem === "am" && hour === 12) hour = 0;
  if (hour > 23 || minute > 59) throw scheduleError(`"${text}" is not a time of day`);
  return { hour, minute };
}

function isDays(word: string): boolean {
  if (word === "*") return true;
  return word
    .toLowerCase()
    .split(",")
    .every((part) => part.split("-").every((d) => DAY_NAMES.includes(d)) && part.split("-").length <= 2);
}

/** A zone the ICU data knows (`EST5EDT` too). */
function knownZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** A word that reads as a zone: known, and `Area/Place` or UTC, so it is not taken for something else. */
function isZone(word: string): boolean {
  return knownZone(word) && (word.includes("/") || word.toUpperCase() === "UTC");
}

/**
 * A duration such as `8h`, `90m`, `1h30m` (Go's `time.ParseDuration` units h, m, s), in milliseconds.
 */
export function parseDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) {
    throw new UsageError(`"${text}" is not a duration.`, {
      suggestion: "Use a duration like 8h, 90m or 1h30m.",
    });
  }
  const unit = { h: 3_600_000, m: 60_000, s: 1000 } as const;
  return parts.reduce((total, p) => total + Number(p[1]) * unit[p[2] as keyof typeof unit], 0);
}

function scheduleError(problem: string): UsageError {
  return new UsageError(`Invalid schedule: ${problem}.`, {
    suggestion:
      'Use "<time> [<days>] [<zone>]", e.g. 9:30AM Mon-Fri Europe/Paris, or "manual" to turn autostart off.',
  });
}
