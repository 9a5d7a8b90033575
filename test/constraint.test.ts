import { describe, expect, test } from 'vitest';
import {
  compiledUnder,
  configKey,
  configsFor,
  fileConstraint,
  isProgramIn,
  isStandaloneProgram,
  neighbourPackage,
  packageClause,
  type BuildConfig,
  type Platform,
} from '../src/go/constraint.js';

const linux: BuildConfig = { goos: 'linux', goarch: 'amd64', cgo: true, tags: [] };
const platforms: Platform[] = [
  { goos: 'darwin', goarch: 'amd64', firstClass: true },
  { goos: 'darwin', goarch: 'arm64', firstClass: true },
  { goos: 'freebsd', goarch: '386', firstClass: false },
  { goos: 'freebsd', goarch: 'amd64', firstClass: false },
  { goos: 'illumos', goarch: 'amd64', firstClass: false },
  { goos: 'linux', goarch: 'amd64', firstClass: true },
  { goos: 'linux', goarch: 'arm64', firstClass: true },
  { goos: 'plan9', goarch: '386', firstClass: false },
  { goos: 'solaris', goarch: 'amd64', firstClass: false },
  { goos: 'windows', goarch: 'amd64', firstClass: true },
];
const first = (name: string, text = 'package p\n') => {
  const c = configsFor(name, text, linux, platforms, 26)[0];
  return c && configKey(c);
};

describe('build constraints', () => {
  test('file name suffixes, as go/build reads them', () => {
    expect(first('conn_windows.go')).toBe('windows/amd64 cgo=0');
    expect(first('conn_windows_test.go')).toBe('windows/amd64 cgo=0');
    expect(first('conn_darwin_arm64.go')).toBe('darwin/arm64 cgo=0');
    expect(first('conn_arm64.go')).toBe('linux/arm64 cgo=0');
    expect(first('windows.go')).toBe('linux/amd64');
    expect(first('conn_plan9.go')).toBe('plan9/386 cgo=0');
    // Another port: the host's architecture before the one listed first.
    expect(first('conn_freebsd.go')).toBe('freebsd/amd64 cgo=0');
    expect(first('conn_solaris.go')).toBe('solaris/amd64 cgo=0');
    expect(first('conn_illumos.go')).toBe('illumos/amd64 cgo=0');
  });

  test('//go:build lines: the host first, then other platforms, then tags', () => {
    expect(first('a.go', '//go:build !linux\n\npackage p\n')).toBe('darwin/amd64 cgo=0');
    expect(first('a.go', '//go:build unix && !darwin && !linux\n\npackage p\n')).toBe('freebsd/amd64 cgo=0');
    expect(first('a.go', '//go:build (windows || darwin) && integration\n\npackage p\n')).toBe('darwin/amd64 cgo=0 -tags=integration');
    expect(first('a.go', '// Copyright\n\n//go:build integration && !short\n\npackage p\n')).toBe('linux/amd64 -tags=integration');
    expect(first('a.go', '//go:build !cgo\n\npackage p\n')).toBe('linux/amd64 cgo=0');
    expect(first('a.go', '//go:build go1.99\n\npackage p\n')).toBeUndefined();
    expect(first('a.go', '//go:build ignore\n\npackage main\n')).toBeUndefined();
    expect(first('a.go', '/* header\n*/\n// +build windows,amd64 plan9\n\npackage p\n')).toBe('windows/amd64 cgo=0');
  });

  test("a program of its own asks for the ignore tag, whatever else it asks for", () => {
    const program = (constraint: string) => isStandaloneProgram(`${constraint}\n\npackage main\n`);
    expect(['//go:build ignore', '// +build ignore', '//go:build ignore && linux', '//go:build (ignore && a) || (b && ignore)'].map(program)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['//go:build !ignore', '//go:build ignore || tools', '//go:build linux', '', '// ignore'].map(program)).toEqual([false, false, false, false, false]);
  });

  test('package main beside a package of another name is a program of its own too (a generator), whatever its constraint', () => {
    const files = (tree: Record<string, string>) => ({
      goFilesIn: (dir: string) =>
        Object.keys(tree)
          .filter((p) => p.startsWith(`${dir}/`))
          .map((p) => p.slice(dir.length + 1)),
      text: (path: string) => tree[path],
    });
    const generator = '//go:build none\n\n// Gen writes code.\npackage main\n';
    const program = (tree: Record<string, string>) =>
      isProgramIn(tree['/m/p/gen.go']!, () => neighbourPackage('/m/p/gen.go', files(tree)));
    expect(program({ '/m/p/gen.go': generator, '/m/p/p.go': '// Package p.\npackage p\n' })).toBe(true);
    expect(program({ '/m/p/gen.go': generator, '/m/p/main.go': 'package main\n', '/m/p/x_test.go': 'package p_test\n' })).toBe(false);
    expect(program({ '/m/p/gen.go': generator })).toBe(false);
    expect(program({ '/m/p/gen.go': '//go:build none\n\npackage p\n', '/m/p/p.go': 'package p\n' })).toBe(false);
    // A main package without a constraint is its directory's, a tagged file of another package beside it notwithstanding (tailscale's gokrazy/).
    expect(program({ '/m/p/gen.go': 'package main\n', '/m/p/tidy.go': '//go:build for_go_mod_tidy\n\npackage p\n' })).toBe(false);
    expect(program({ '/m/p/gen.go': generator, '/m/p/main.go': 'package main\n', '/m/p/tidy.go': '//go:build tools\n\npackage p\n' })).toBe(false);
    expect(packageClause('// package main, said a comment\n/* package x */\npackage Δelta // its name\n')).toBe('Δelta');
  });

  test('a constraint is read only before the package clause', () => {
    expect(fileConstraint('package p\n\n//go:build windows\n')).toBeUndefined();
    expect(compiledUnder('a.go', 'package p\n\n//go:build windows\n', linux, 26)).toBe(true);
  });

  test('cgo files are compiled only where cgo is on', () => {
    const cgo = 'package p\n\n// #include <stdio.h>\nimport "C"\n';
    expect(compiledUnder('a.go', cgo, linux, 26)).toBe(true);
    expect(first('a_windows.go', cgo)).toBeUndefined();
  });
});
