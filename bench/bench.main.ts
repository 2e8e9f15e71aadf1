/** `npm run bench -- <name> [args]`: one line per benchmark; each module exports `run(args)`. */
const BENCHES: Record<string, () => Promise<{ run(args: string[]): Promise<void> }>> = {
  client: () => import('./client.bench.js'),
  // `plan --full` through the CLI: the engine's real path (reader, planner, outbox), not a side copy of it.
  plan: async () => {
    const bench = await import('./run.bench.js');
    return { run: (args: string[]) => bench.run(['--command', 'plan', ...args]) };
  },
  run: () => import('./run.bench.js'),
  graph: () => import('./graph.bench.js'),
  // A first load past one method's operating budget: createVia crm.deal.add alone vs all three (issue 13).
  'create-via': () => import('./create-via.bench.js'),
};

const [name, ...args] = process.argv.slice(2);
const load = name === undefined ? undefined : BENCHES[name];
if (!load) {
  process.stderr.write(
    `usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [options]  (--help on each)\n`,
  );
  process.exitCode = name === undefined || name === '--help' ? 0 : 2;
} else {
  await (await load()).run(args);
}
