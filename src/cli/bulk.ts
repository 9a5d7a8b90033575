// `goprod bulk` and `goprod bulk merge-reports`: their flags; the migration is src/bulk/.
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { codemods as allCodemods } from '../../codemods/index.js';
import { displayPath } from '../output/text.js';
import { removeStaleTempDirs, withInterrupts } from '../engine/interrupt.js';
import type { BulkFlags } from '../bulk/command.js';
import { seconds, positiveMinutes, threadCount } from './flags.js';
import { selectCodemods, type CommandContext } from './context.js';

export function addBulkCommand(program: Command, { io, setExitCode }: CommandContext): void {
  const bulk = program
    .command('bulk')
    // `bulk merge-reports … --report DIR`: the option is merge-reports', not bulk's.
    .enablePositionalOptions()
    .description('run codemods over many repositories: in each, a new branch with one verified commit (pushed only if asked), and a report')
    .argument('[dirs...]', 'local git repositories (also: --repos FILE)')
    .option('--codemod <names>', 'comma-separated codemods to run (default: all)')
    .option('--repos <file>', 'a file with one repository per line: a path (relative to the file) or a clone URL; # starts a comment')
    .option('--branch <name>', 'the branch made in each changed repository (default: goprod/<codemods>)')
    .option('--jobs <n>', 'repositories at a time (default: one per core)', threadCount)
    .option('--shard <i/n>', 'take the i-th of n disjoint parts of the list (by a hash of each repository), for a CI matrix')
    .option('--report <dir>', 'where the report and per-repository results go (and clones of URLs)', 'goprod-report')
    .option('--download', 'let the go command download missing modules before verifying (go mod download, your GOPROXY)')
    .option('--no-type-facts', "codemods decide from syntax alone, without Go's type checker (as goprod fix --no-type-facts)")
    .option(
      '--push-cmd <command>',
      "run this in each changed repository's worktree, by sh -c as written; it gets GOPROD_REPO, GOPROD_REPO_ID, GOPROD_BRANCH, " +
        'GOPROD_COMMIT and GOPROD_SUMMARY in its environment',
    )
    .option('--push-delay <seconds>', 'seconds between two push commands', seconds, 0)
    .option('--resume', 'continue the run whose results are in --report: repositories already done are not redone')
    .option('--timeout <minutes>', "stop a repository's run after this long and record it as failed", positiveMinutes, 60)
    .addHelpText('after', BULK_HELP)
    .action(async (dirs: string[], opts: BulkFlags) => {
      for (const stale of removeStaleTempDirs()) io.stderr(`goprod: removed ${stale}, which an interrupted goprod run left\n`);
      const { bulkCommand } = await bulkModules();
      const codemods = selectCodemods(opts.codemod);
      setExitCode(
        await withInterrupts(
          io.stderr,
          () =>
            bulkCommand(
              dirs,
              codemods.map((c) => c.name),
              codemods.length === allCodemods.length,
              opts,
              io,
            ),
          `the repositories finished are recorded in ${opts.report}: run again with --resume to continue`,
        ),
      );
    });
  bulk
    .command('merge-reports')
    .description('merge the report directories of the shards of one bulk run into one report')
    .argument('<dirs...>', 'report directories (each made by goprod bulk --report DIR)')
    .option('--report <dir>', 'where the merged report goes', 'goprod-report')
    .action(async (dirs: string[], opts: { report: string }) => {
      const { bulkSummary, mergeReports, writeBulkReport } = await bulkModules();
      const report = mergeReports(dirs.map((d) => resolve(io.cwd, d)));
      const out = resolve(io.cwd, opts.report);
      writeBulkReport(out, report, { records: true });
      io.stderr(`goprod: ${bulkSummary(report)}; report: ${displayPath(join(out, 'report.html'), io.cwd)}\n`);
    });
}

/** The bulk run and its report, loaded when a bulk command runs: the report's HTML (diff2html) is slow to load for every other command. */
async function bulkModules() {
  const [{ bulkCommand, bulkSummary }, { mergeReports, writeReport: writeBulkReport }] = await Promise.all([
    import('../bulk/command.js'),
    import('../bulk/run.js'),
  ]);
  return { bulkCommand, bulkSummary, mergeReports, writeBulkReport };
}

/** What `goprod help bulk` says after the options. */
const BULK_HELP = `
Each repository is changed in a git worktree of its own, on a new branch from HEAD: your
checkout, index and current branch are never touched, and uncommitted changes stay out (a
note says so). goprod fix --write runs there on every module (verification and back-out
included), then one commit: "goprod: wrap-errors (12 fixes), loopvar (3)", with the fixes
backed out listed in its body; the author is git's (user.name, user.email). No change, no
branch. A repository whose branch already exists is skipped, never overwritten. Nothing is
pushed unless --push-cmd. A clone URL is cloned (shallow) under --report/clones.
Results go to --report as each repository ends (repos/*.json), then report.json and
report.html (open it in a browser: a summary, a table to sort and filter, every diff).
A run that was stopped continues with --resume. Shards of one list (--shard 1/4 … 4/4 on
four machines) take disjoint parts whose union is the list; goprod bulk merge-reports merges
their report directories.
Exit status: 0 when every repository was done (changed, unchanged, skipped or unverified), 1
when one failed, 2 usage error.

Examples:
  goprod bulk --codemod=wrap-errors ~/src/svc-*
  goprod bulk --codemod=loopvar --repos repos.txt --jobs 4 --download
  goprod bulk --repos repos.txt --shard 2/8 --report shard-2
  goprod bulk merge-reports shard-* --report all
  goprod bulk --repos repos.txt --push-cmd 'git push -u origin HEAD && gh pr create --fill'`;
