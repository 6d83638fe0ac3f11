/**
 * Reads the command-latency histograms the services expose on /metrics
 * (`bitcraps_command_duration_seconds`, DESIGN.md section 10), to show where a saga's
 * time goes. The parser is pure (unit-tested).
 */

export interface SubjectTime {
  count: number;
  /** Seconds spent in handlers, summed. */
  sum: number;
}

/** `{subject → {count, sum}}` of one /metrics text, over every outcome. */
export function commandTimes(metricsText: string, metric = 'bitcraps_command_duration_seconds'): Map<string, SubjectTime> {
  const out = new Map<string, SubjectTime>();
  const re = new RegExp(`^${metric}_(sum|count)\\{([^}]*)\\}\\s+([0-9.eE+-]+)$`);
  for (const line of metricsText.split('\n')) {
    const m = re.exec(line.trim());
    if (!m) continue;
    const subject = /subject="([^"]*)"/.exec(m[2]!)?.[1];
    if (!subject) continue;
    const entry = out.get(subject) ?? { count: 0, sum: 0 };
    if (m[1] === 'sum') entry.sum += Number(m[3]);
    else entry.count += Number(m[3]);
    out.set(subject, entry);
  }
  return out;
}

/** What happened between two readings: per subject, the commands handled and their mean time in ms. */
export function timesBetween(before: Map<string, SubjectTime>, after: Map<string, SubjectTime>): Array<{ subject: string; count: number; meanMs: number }> {
  const rows = [];
  for (const [subject, a] of after) {
    const b = before.get(subject) ?? { count: 0, sum: 0 };
    const count = a.count - b.count;
    if (count > 0) rows.push({ subject, count, meanMs: ((a.sum - b.sum) / count) * 1000 });
  }
  return rows.sort((x, y) => y.meanMs * y.count - x.meanMs * x.count);
}

/** Fetches /metrics of several base URLs and merges their command times. */
export async function scrapeCommandTimes(baseUrls: string[]): Promise<Map<string, SubjectTime>> {
  const merged = new Map<string, SubjectTime>();
  await Promise.all(
    baseUrls.map(async (url) => {
      try {
        const res = await fetch(`${url}/metrics`);
        for (const [subject, t] of commandTimes(await res.text())) {
          const m = merged.get(subject) ?? { count: 0, sum: 0 };
          merged.set(subject, { count: m.count + t.count, sum: m.sum + t.sum });
        }
      } catch {
        // a replica that is down has nothing to say
      }
    }),
  );
  return merged;
}
