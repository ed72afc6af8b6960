/** Edit distance between two strings, counted in code points. */
export function levenshtein(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const substitution = previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[y.length]!;
}

/**
 * The candidates close to `name`, as the Coder CLI suggests them for an unknown parameter: edit distance at
 * most half the name's length (rounded down), in the candidates' order.
 */
export function closeMatches(name: string, candidates: string[]): string[] {
  const maxDistance = Math.floor([...name].length / 2);
  return candidates.filter((c) => levenshtein(name, c) <= maxDistance);
}
