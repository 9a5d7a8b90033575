import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Writes files (paths relative to `dir`, directories made as needed): a Go module or a repository for a test. */
export function writeTree(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

/**
 * A package `m` with two fmt.Errorf calls wrap-errors changes from syntax: line 12's error
 * holds, line 15's errText (its name says error, its type is string) is rejected by vet's
 * printf check and must be backed out.
 */
export const PLAUSIBLE = `package m

import (
	"fmt"
	"os"
	"strings"
)

func Read(path string) error {
	_, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %v", path, err)
	}
	errText := strings.TrimSpace(path)
	return fmt.Errorf("bad input: %v", errText)
}
`;
