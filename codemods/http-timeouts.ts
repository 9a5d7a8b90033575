// Servers open to slow clients: http.ListenAndServe and http.Server literals without a
// ReadHeaderTimeout (or ReadTimeout) wait forever for a client's request headers.
import { defineCodemod } from '../src/engine/codemod.js';
import type { Diagnostic } from '../src/engine/edits.js';
import { durationExpression } from '../src/go/duration.js';
import type { GoFile } from '../src/go/file.js';
import { packageAt } from '../src/go/imports.js';
import { indentationAt } from '../src/go/refactor.js';
import { children, type SyntaxNode } from '../src/engine/parse.js';

/** The package functions that build a Server of their arguments, with the arguments that go into it and those left to the method. */
const SERVE: Readonly<Record<string, { fields: ReadonlyArray<string | undefined>; handler: number }>> = {
  ListenAndServe: { fields: ['Addr'], handler: 1 },
  ListenAndServeTLS: { fields: ['Addr', undefined, undefined], handler: 3 },
  Serve: { fields: [undefined], handler: 1 },
  ServeTLS: { fields: [undefined, undefined, undefined], handler: 1 },
};

const TIMEOUTS = ['ReadHeaderTimeout', 'ReadTimeout'];

export default defineCodemod({
  name: 'http-timeouts',
  summary: 'an http.Server without ReadHeaderTimeout waits forever for a slow client: set one',
  description:
    '`http.ListenAndServe(addr, h)` (`ListenAndServeTLS`, `Serve`, `ServeTLS`) becomes ' +
    '`(&http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}).ListenAndServe()`, which is what the ' +
    'function runs, with a timeout; an `http.Server{…}` literal (`&http.Server{…}`) with keyed fields and neither ' +
    '`ReadHeaderTimeout` nor `ReadTimeout` gets `ReadHeaderTimeout`. Without it a client that sends its headers slowly holds a ' +
    'connection and a goroutine for as long as it likes (Slowloris; gosec G112). `--read-header-timeout` sets the value ' +
    "(default `10s`: a Go duration of one unit, or any Go expression). Left alone: literals in a file that sets a server's " +
    "`ReadTimeout` or `ReadHeaderTimeout` by assignment (the literal's value is decided elsewhere; a `ReadHeaderTimeout` added " +
    'to it would loosen a shorter `ReadTimeout`), literals without keys. Adds the `time` import; reported without a fix where ' +
    '`time` or `http` means something else at the place.',
  goVersions: { from: '1.8' },
  mayMatch: (text) => text.includes('net/http') && /\b(ListenAndServe(TLS)?|Serve(TLS)?|Server)\b/.test(text),
  options: {
    readHeaderTimeout: {
      flag: '--read-header-timeout <duration>',
      description: 'the ReadHeaderTimeout http-timeouts gives servers: a Go duration (10s, 500ms, 1m) or a Go expression',
      default: '10s',
    },
  },
  run(file, options) {
    const http = file.importNames('net/http');
    if (http.length === 0) return [];
    const timeout = String(options.readHeaderTimeout ?? '10s');
    const diagnostics: Diagnostic[] = [];
    for (const call of file.nodesAround(Object.keys(SERVE), 'call_expression')) {
      const d = serveCall(file, call, timeout);
      if (d) diagnostics.push(d);
    }
    const assigned = /\.\s*Read(Header)?Timeout\s*=[^=]/.test(file.text);
    for (const literal of file.nodesAround(['Server'], 'composite_literal')) {
      const d = assigned ? undefined : serverLiteral(file, literal, timeout);
      if (d) diagnostics.push(d);
    }
    return diagnostics;
  },
});

const NAMES_TAKEN = '`time` or `http` means something else where the fix would write it';

/** The timeout's text at `at` and the import it needs, or undefined where `time` cannot be written there. */
function timeoutAt(
  file: GoFile,
  at: SyntaxNode,
  timeout: string,
): { text: string; edits: NonNullable<ReturnType<typeof packageAt>>['edits'] } | undefined {
  const written = durationExpression(timeout, 'time');
  if (!/\btime\./.test(written)) return { text: written, edits: [] };
  const time = packageAt(file, 'time', at);
  return time && { text: durationExpression(timeout, time.name), edits: time.edits };
}

/** `http.ListenAndServe(addr, h)` → `(&http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: …}).ListenAndServe()`. */
function serveCall(file: GoFile, call: SyntaxNode, timeout: string): Diagnostic | undefined {
  const fn = call.childForFieldName('function');
  const name = fn?.childForFieldName('field')?.text ?? '';
  const shape = SERVE[name];
  if (!shape || !file.isPackageCall(call, 'net/http', [name])) return undefined;
  const args = children(call.childForFieldName('arguments'));
  if (args.length !== shape.fields.length + 1 || call.childForFieldName('arguments')!.children.some((c) => c.type === '...'))
    return undefined;
  const pkg = fn!.childForFieldName('operand')!.text;
  const message = `http.${name} serves without a ReadHeaderTimeout: a slow client holds a connection for as long as it likes`;
  const value = timeoutAt(file, call, timeout);
  if (!value) return { start: call.startIndex, end: call.endIndex, message, reason: NAMES_TAKEN, fixes: [] };
  const handler = args[shape.handler]!;
  const fields = [
    ...shape.fields.flatMap((f, i) => (f ? [`${f}: ${args[i]!.text}`] : [])),
    ...(handler.type === 'nil' ? [] : [`Handler: ${handler.text}`]),
    `ReadHeaderTimeout: ${value.text}`,
  ];
  const rest = args.filter((_, i) => i !== shape.handler && !shape.fields[i]).map((a) => a.text);
  return {
    start: call.startIndex,
    end: call.endIndex,
    message,
    fixes: [
      {
        message: `serve with an http.Server with ReadHeaderTimeout: ${value.text}`,
        edits: [
          { start: call.startIndex, end: call.endIndex, text: `(&${pkg}.Server{${fields.join(', ')}}).${name}(${rest.join(', ')})` },
          ...value.edits,
        ],
      },
    ],
  };
}

/** `http.Server{Addr: a}` → `http.Server{Addr: a, ReadHeaderTimeout: …}`. */
function serverLiteral(file: GoFile, literal: SyntaxNode, timeout: string): Diagnostic | undefined {
  const type = literal.childForFieldName('type');
  const pkg = type?.type === 'qualified_type' ? type.childForFieldName('package') : undefined;
  if (
    !pkg ||
    type!.childForFieldName('name')?.text !== 'Server' ||
    !file.importNames('net/http').includes(pkg.text) ||
    !file.isPackageName(pkg)
  )
    return undefined;
  const body = literal.childForFieldName('body')!;
  const elements = children(body).filter((c) => c.type !== 'comment');
  if (elements.some((e) => e.type !== 'keyed_element')) return undefined;
  if (elements.some((e) => TIMEOUTS.includes(children(e)[0]!.text))) return undefined;
  const message = `this http.Server has no ReadHeaderTimeout: a slow client holds a connection for as long as it likes`;
  const value = timeoutAt(file, literal, timeout);
  if (!value) return { start: literal.startIndex, end: literal.endIndex, message, reason: NAMES_TAKEN, fixes: [] };
  const field = `ReadHeaderTimeout: ${value.text}`;
  const last = elements[elements.length - 1];
  const close = body.lastChild!; // `}`
  const multiline = file.text.slice(body.startIndex, close.startIndex).includes('\n');
  let edit;
  if (!last) edit = { start: body.startIndex + 1, end: close.startIndex, text: field };
  else if (multiline) {
    // A line of its own after the last element (its comma, and a comment on its line, stay).
    const comma = file.text.slice(last.endIndex, close.startIndex).match(/^\s*,/);
    const lineEnd = file.text.indexOf('\n', last.endIndex);
    const at = lineEnd === -1 || lineEnd > close.startIndex ? close.startIndex : lineEnd;
    const indent = indentationAt(file.text, last.startIndex);
    edit = comma
      ? { start: at, end: at, text: at === close.startIndex ? `${indent}${field},\n` : `\n${indent}${field},` }
      : { start: last.endIndex, end: last.endIndex, text: `,\n${indent}${field},` };
  } else edit = { start: last.endIndex, end: last.endIndex, text: `, ${field}` };
  return {
    start: literal.startIndex,
    end: literal.endIndex,
    message,
    fixes: [{ message: `set ReadHeaderTimeout: ${value.text}`, edits: [edit, ...value.edits] }],
  };
}
