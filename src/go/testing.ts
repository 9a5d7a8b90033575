// Tests in Go syntax: the *testing.T (B, F, TB) a function receives, to fail it.
import { children, type SyntaxNode } from '../engine/parse.js';
import type { GoFile } from './file.js';

const FAILABLE = ['T', 'B', 'F', 'TB'];

/**
 * The declaring identifier of the first parameter of type `*testing.T`, `*testing.B`, `*testing.F` or `testing.TB`, if
 * the function has one not named `_`.
 */
export function testingParameter(file: GoFile, fn: SyntaxNode): SyntaxNode | undefined {
  const names = file.importNames('testing');
  for (const p of children(fn.childForFieldName('parameters'))) {
    let type = p.childForFieldName('type');
    if (type?.type === 'pointer_type') type = children(type)[0] ?? null;
    const pkg = type?.type === 'qualified_type' ? type.childForFieldName('package') : undefined;
    const name = type?.childForFieldName('name')?.text ?? '';
    if (
      !pkg ||
      !names.includes(pkg.text) ||
      !FAILABLE.includes(name) ||
      (name === 'TB') !== (p.childForFieldName('type')!.type !== 'pointer_type')
    )
      continue;
    const param = p.childrenForFieldName('name')[0];
    return param && param.text !== '_' ? param : undefined;
  }
  return undefined;
}
