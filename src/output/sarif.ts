// The `--format=sarif` document (SARIF 2.1.0), for GitHub code scanning and other SARIF
// viewers: a rule per codemod that ran, a result per finding, and the fixes the run applies
// as SARIF fixes. Columns count UTF-16 code units (JavaScript string indices), SARIF's
// default and what GitHub expects, so unlike `--json` nothing is converted to bytes.
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { Codemod } from '../engine/codemod.js';
import type { Fix } from '../engine/edits.js';
import { fixStatus, type FileResult, type RunResult } from '../engine/model.js';
import { LineIndex } from '../engine/position.js';
import { statusWords } from './json.js';
import { displayPath, isUnder } from './text.js';

/** goprod's home page (no repository URL is recorded elsewhere); the README's codemod table is every rule's help. */
const HOME_PAGE = 'https://github.com/goprod/goprod';

const SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** The base of the artifacts' relative URIs: the working directory. */
const SRCROOT = '%SRCROOT%';

export interface SarifRun {
  /** goprod's version. */
  version: string;
  /** The codemods that ran, one rule each. */
  codemods: readonly Codemod[];
  cwd: string;
  verified: boolean;
  /** False when the run was interrupted or a file could not be written. */
  successful: boolean;
}

/**
 * The SARIF log of a run. A result carries the fixes whose status is `applied` (those the
 * run writes, or would write with --write); a fix that was backed out, is unverified,
 * deferred or not written is left out, and the result's message says why (its property
 * `fixStatus` lists every fix's status, as `--json` does). Positions are those of the files
 * before the fixes.
 */
export function sarifReport(result: RunResult, run: SarifRun): Sarif.Log {
  const ruleIndex = new Map(run.codemods.map((c, i) => [c.name, i]));
  return {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'goprod',
            version: run.version,
            informationUri: HOME_PAGE,
            rules: run.codemods.map((c) => ({
              id: c.name,
              shortDescription: { text: c.summary },
              fullDescription: { text: c.description.replaceAll('`', ''), markdown: c.description },
              helpUri: `${HOME_PAGE}#codemods`,
            })),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(join(run.cwd, sep)).href } },
        columnKind: 'utf16CodeUnits',
        invocations: [
          {
            executionSuccessful: run.successful,
            toolExecutionNotifications: result.warnings.map((w) => ({
              level: 'warning',
              message: { text: w.message },
              // Warnings carry byte columns: the line alone is given.
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: artifactLocation(w.path, run.cwd),
                    ...(w.line === undefined ? {} : { region: { startLine: w.line } }),
                  },
                },
              ],
            })),
          },
        ],
        results: result.files.flatMap((file) => fileResults(file, run, ruleIndex)),
      },
    ],
  };
}

function fileResults(file: FileResult, run: SarifRun, ruleIndex: ReadonlyMap<string, number>): Sarif.Result[] {
  const lines = new LineIndex(file.source.text);
  const region = (start: number, end: number): Sarif.Region => {
    const s = lines.utf16Position(start);
    const e = lines.utf16Position(end);
    return { startLine: s.line, startColumn: s.column, endLine: e.line, endColumn: e.column };
  };
  const location = artifactLocation(file.path, run.cwd);
  const sarifFix = (fix: Fix): Sarif.Fix => ({
    description: { text: fix.message },
    artifactChanges: [
      {
        artifactLocation: location,
        replacements: fix.edits.map((e) => ({ deletedRegion: region(e.start, e.end), insertedContent: { text: e.text } })),
      },
    ],
  });
  return file.findings.map((finding) => {
    const statuses = finding.fixes.map((fix) => fixStatus(file, fix, run.verified));
    const words = statuses.map((s) => statusWords(s, run.cwd));
    const included = finding.fixes.filter((_, i) => statuses[i]!.kind === 'applied');
    const withheld = words.filter((_, i) => statuses[i]!.kind !== 'applied');
    return {
      ruleId: finding.codemod,
      ruleIndex: ruleIndex.get(finding.codemod)!,
      // A finding goprod cannot fix (an environment read with a computed name) is a note.
      level: finding.fixes.length > 0 ? 'warning' : 'note',
      message: { text: withheld.length > 0 ? `${finding.message} (fix not included: ${withheld.join('; ')})` : finding.message },
      locations: [{ physicalLocation: { artifactLocation: location, region: region(finding.start, finding.end) } }],
      ...(included.length > 0 ? { fixes: included.map(sarifFix) } : {}),
      ...(words.length > 0 ? { properties: { fixStatus: words } } : {}),
    };
  });
}

/** A file under the working directory is relative to SRCROOT; any other has an absolute file: URI. */
function artifactLocation(path: string, cwd: string): Sarif.ArtifactLocation {
  if (!isUnder(path, cwd)) return { uri: pathToFileURL(path).href };
  return { uri: displayPath(path, cwd).split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}
