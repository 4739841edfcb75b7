// The soak's closing table (markdown): each line a number and whether it meets the issue's bar.

const pass = (ok) => (ok ? 'ok' : '**FAIL**');
const mib = (kb) => (kb / 1024).toFixed(1);

export function formatTable(r) {
  const o = r.options;
  const rows = [];
  const add = (what, value, verdict = '') => rows.push(`| ${what} | ${value} | ${verdict} |`);
  add('trials (budget / evaluated)', `${o.trials} / ${r.evaluated} (complete ${r.counts.complete}, failed ${r.counts.failed}, pruned ${r.counts.pruned}, stopped ${r.counts.stopped})`);
  add('trial processes started', `${r.processesStarted} (faults: ${Object.entries(r.faults).map(([k, v]) => `${k} ${v}`).join(', ')})`);
  const d = r.detail;
  add(
    'trials lost',
    `${r.lost} (left queued/running ${d.leftOver}, short of budget ${d.shortfall}, run but absent from the database ${d.unknownToDb.length})`,
    pass(r.lost === 0),
  );
  add(
    'trials duplicated',
    `${r.duplicated} (beyond budget ${Math.max(0, r.evaluated - o.trials)}, trial id started twice ${d.startedTwice.length}, finished trial retried ${d.retriesOfFinished.length})`,
    pass(r.duplicated === 0),
  );
  add('interrupted twice, not re-queued (retry limit)', String(d.notRequeued));
  add('study state', `${r.studyState}${r.stopReason ? ` (${r.stopReason})` : ''}`, pass(r.studyState === 'finished'));
  const e = r.engine;
  const causes = Object.entries(e.exit_causes ?? {}).map(([c, n]) => `${n}× ${c}`);
  add(
    'engine restarts',
    `${e.planned_kills} SIGKILLs by the soak, ${e.unplanned_exits} exits on its own before the budget${causes.length ? ` (${causes.join('; ')})` : ''}`,
    pass(e.unplanned_exits === 0),
  );
  if (e.start && e.end) {
    const rssGrowth = e.end.rssKb / e.start.rssKb - 1;
    const fdGrowth = e.end.fds / e.start.fds - 1;
    // Not the bar: the two ends are engines of different ages, both inside their first minute's climb.
    add(
      'engine RSS start → end (MiB), first engine once warm → last engine at its end',
      `${mib(e.start.rssKb)} → ${mib(e.end.rssKb)} (${pct(rssGrowth)}; worst within one engine ${pct(e.worst_in_segment_rss_growth)}); ages differ, see the same-age and plateau rows`,
    );
    const f = e.first_engine;
    const l = e.last_engine;
    if (f && l) {
      add(
        'each engine warm / peak RSS (MiB): first vs last engine',
        `first (from ${f.evaluated_at_start} evaluated) ${mib(f.warm_rss_kb)} / ${mib(f.peak_rss_kb)}; last (from ${l.evaluated_at_start} evaluated) ${mib(l.warm_rss_kb)} / ${mib(l.peak_rss_kb)}`,
      );
    }
    if (e.end_running && e.end_running !== e.end) {
      const g = e.end_running.rssKb / e.start.rssKb - 1;
      add('engine RSS start → last sample while trials ran (MiB)', `${mib(e.start.rssKb)} → ${mib(e.end_running.rssKb)} at ${e.end_running.evaluated} evaluated (${pct(g)})`);
    }
    const a = e.same_age;
    if (a) {
      const g = a.last_rss_kb / a.first_rss_kb - 1;
      add(
        `engine RSS at the same age (${a.age} trials after each started), median of the first ${a.engines} engines → of the last ${a.engines} (MiB)`,
        `${mib(a.first_rss_kb)} → ${mib(a.last_rss_kb)} (${pct(g)}; the last engines loaded ${a.last_loaded.join(', ')} trials)`,
        pass(g < 0.1),
      );
    }
    const p = e.plateau;
    if (p) {
      const g = p.takeover.warm_rss_kb / p.fresh.warm_rss_kb - 1;
      add(
        `engine RSS past warm-up (median over the last third of ${p.seconds} s): fresh engine on an empty study → engine taking over the ${r.evaluated}-trial study (MiB)`,
        `${mib(p.fresh.warm_rss_kb)} → ${mib(p.takeover.warm_rss_kb)} (${pct(g)}; at 5 s ${mib(p.fresh.rss_at_5s_kb)} and ${mib(p.takeover.rss_at_5s_kb)}; descriptors ${p.fresh.warm_fds} → ${p.takeover.warm_fds})`,
        pass(g < 0.1),
      );
    }
    if (e.per_engine?.length > 1) {
      const pe = e.per_engine;
      add('each engine: trials loaded → RSS warm / last (MiB)', pe.map((x) => `${x.evaluated_at_start}→${mib(x.warm_rss_kb)}/${mib(x.last_rss_kb)}`).join(', '));
    }
    add('engine open descriptors start → end', `${e.start.fds} → ${e.end.fds} (${pct(fdGrowth)})`, pass(fdGrowth < 0.1));
  } else {
    add('engine RSS / descriptors', 'no samples (the engine never ran long enough)', pass(false));
  }
  add('PRAGMA integrity_check', String(r.integrity), pass(r.integrity === 'ok'));
  add('orphan processes (trial marker in /proc)', `${r.orphans.length}${r.orphans.length ? `: ${r.orphans.slice(0, 3).map((x) => `pid ${x.pid} trial ${x.trial} \`${x.cmd}\``).join('; ')}` : ''}`, pass(r.orphans.length === 0));
  const df = r.disk_full;
  add('disk full', df.skipped ? `not run: ${df.skipped}` : df.happened ? `${df.seconds} s from ${df.started_at_evaluated} evaluated (${mib(df.bytes / 1024)} MiB fill)` : 'planned but the run ended first', df.skipped ? '' : pass(df.happened));
  const de = r.diskEvents ?? {};
  add('disk waits (study events)', `free-space guard ${de['disk.low'] ?? 0} waits / ${de['disk.ok'] ?? 0} resumed; database disk full ${de['disk.db_full'] ?? 0} waits resumed`);
  add('trials per minute', `${r.trials_per_minute.toFixed(1)} (${(r.wall_s / 60).toFixed(1)} min, ${o.parallel} at once, timeout ${o.timeoutS} s)`);
  return [
    `Nightshift soak, ${new Date().toISOString().slice(0, 16)}Z, ${r.machine.cpus} CPUs, Node ${r.machine.node}, seed ${o.seed}`,
    '',
    '| what | value | bar |',
    '|---|---|---|',
    ...rows,
  ].join('\n');
}

function pct(x) {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;
}
