/**
 * The next time a weekly autostart schedule fires (`CRON_TZ=<zone> <min> <hour> * * <dow>`), for
 * `Workspace.next_start_at`, which coderd computes from the schedule when it is set. Written for the fake on its
 * own: hour and minute are single numbers (as `coder schedule start` writes them), days a `*`, numbers or
 * three-letter names, with ranges and lists.
 */

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

function dayNumber(token: string): number | undefined {
  if (/^\d$/.test(token)) return Number(token) % 7;
  const i = DAYS.indexOf(token.toLowerCase());
  return i < 0 ? undefined : i;
}

/** The weekdays (0 = Sunday) a cron day-of-week field allows, or undefined when it cannot be read. */
function daysOf(field: string): Set<number> | undefined {
  if (field === "*") return new Set([0, 1, 2, 3, 4, 5, 6]);
  const days = new Set<number>();
  for (const part of field.split(",")) {
    const [from, to] = part.split("-");
    const a = dayNumber(from ?? "");
    const b = to === undefined ? a : dayNumber(to);
    if (a === undefined || b === undefined) return undefined;
    for (let d = a; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === b) break;
    }
  }
  return days;
}

/** The zone's offset from UTC at instant `t`, in ms (from Intl's wall-clock parts). */
function offsetMs(zone: string, t: number): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(t));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? "0");
  return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second")) - t;
}

/** The next firing after `now` as an ISO string, or null when the schedule cannot be read. */
export function nextStart(schedule: string, now = Date.now()): string | null {
  const zone = /^CRON_TZ=(\S+)\s+/.exec(schedule)?.[1] ?? "UTC";
  const fields = schedule
    .replace(/^CRON_TZ=\S+\s+/, "")
    .trim()
    .split(/\s+/);
  const [minute, hour, , , dow] = fields;
  if (!/^\d+$/.test(minute ?? "") || !/^\d+$/.test(hour ?? "")) return null;
  const days = daysOf(dow ?? "*");
  if (!days) return null;
  try {
    offsetMs(zone, now);
  } catch {
    return null;
  }
  for (let day = 0; day <= 8; day++) {
    const local = new Date(now + offsetMs(zone, now) + day * 86_400_000);
    const wall = Date.UTC(
      local.getUTCFullYear(),
      local.getUTCMonth(),
      local.getUTCDate(),
      Number(hour),
      Number(minute),
    );
    // Twice, so a DST change between the guess and the answer is accounted for.
    let instant = wall - offsetMs(zone, wall);
    instant = wall - offsetMs(zone, instant);
    if (instant > now && days.has(local.getUTCDay())) return new Date(instant).toISOString();
  }
  return null;
}
