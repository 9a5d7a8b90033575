// fmt's format strings, parsed the way fmt.Printf reads them (see doPrintf in fmt/print.go).

export interface FormatDirective {
  /** Index of the verb character in the format string. */
  verbIndex: number;
  verb: string;
  /** The flags as written: `+` for `%+v`, empty for `%v`. */
  flags: string;
  /** No width, precision or argument index (flags aside): `%v` or `%+v`, not `%10v`. */
  plain: boolean;
  /** 0-based index of the operand (after the format) that the verb formats. */
  operand: number;
}

export interface ParsedFormat {
  directives: FormatDirective[];
  /** Whether any directive uses an explicit argument index (`%[2]v`), which renumbers operands. */
  indexed: boolean;
}

export function parseFormat(format: string): ParsedFormat {
  const directives: FormatDirective[] = [];
  let indexed = false;
  let operand = 0;
  let i = 0;
  while (i < format.length) {
    if (format[i] !== '%') {
      i++;
      continue;
    }
    const start = ++i;
    while (i < format.length && '#0+- '.includes(format[i]!)) i++;
    const flags = format.slice(start, i);
    const skipNumber = () => {
      if (format[i] === '[') {
        indexed = true;
        i = format.indexOf(']', i) + 1 || format.length;
      }
      if (format[i] === '*') {
        operand++;
        i++;
      } else while (i < format.length && format[i]! >= '0' && format[i]! <= '9') i++;
    };
    skipNumber();
    if (format[i] === '.') {
      i++;
      skipNumber();
    }
    if (format[i] === '[') {
      indexed = true;
      i = format.indexOf(']', i) + 1 || format.length;
    }
    if (i >= format.length) break;
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    if (verb === '%' && i === start) {
      i++;
      continue;
    }
    directives.push({ verbIndex: i, verb, flags, plain: i === start + flags.length, operand });
    if (verb !== '%') operand++;
    i += verb.length;
  }
  return { directives, indexed };
}
