// Fast in-process cases per codemod (see codemod-cases.ts): what each finds and how it fixes
// it, on one file, without the Go toolchain. env-config reads the module's other files (a
// package it generated before, the file's neighbours) from memory here.
import { describe } from 'vitest';
import { codemods } from '../codemods/index.js';
import { codemodCases, type CodemodCases } from './codemod-cases.js';

const byName = (name: string) => codemods.find((c) => c.name === name)!;

// env-config's cases read PORT.
const PORT = `package a

import "os"

// Port is the port to listen on.
func Port() string {
	return os.Getenv("PORT")
}
`;

const CASES: Record<string, CodemodCases> = {
  'wrap-errors': {
    valid: [`package a

import "fmt"

func f(n int) error {
	return fmt.Errorf("bad: %v", n)
}
`],
    invalid: [
      {
        code: `package a

import "fmt"

func f(err error) error {
	return fmt.Errorf("read: %v", err)
}
`,
        findings: [/fmt\.Errorf formats err without wrapping/],
        output: `package a

import "fmt"

func f(err error) error {
	return fmt.Errorf("read: %w", err)
}
`,
      },
    ],
  },
  'errors-is': {
    valid: [`package a

func f(err error) bool {
	return err == nil
}
`],
    invalid: [
      {
        code: `package a

import "io"

func f(err error) bool {
	return err == io.ErrClosedPipe
}
`,
        findings: [/err == io\.ErrClosedPipe misses a wrapped/],
        output: `package a

import (
	"io"
	"errors"
)

func f(err error) bool {
	return errors.Is(err, io.ErrClosedPipe)
}
`,
      },
    ],
  },
  'errors-as': {
    valid: [`package a

func f(v any) int {
	if n, ok := v.(int); ok {
		return n
	}
	return 0
}
`],
    invalid: [
      {
        code: `package a

import "os"

func f(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Path
	}
	return ""
}
`,
        findings: [/type assertion on err misses a wrapped \*os\.PathError/],
        output: `package a

import (
	"os"
	"errors"
)

func f(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Path
	}
	return ""
}
`,
      },
    ],
  },
  'close-errors': {
    valid: [`package a

func f() {}
`],
    invalid: [
      {
        code: `package a

import "os"

func f(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	return nil
}
`,
        findings: [/the error of f\.Close\(\) is dropped without a word/],
        output: `package a

import "os"

func f(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	return nil
}
`,
      },
      {
        code: `package a

import "os"

func f(p string) error {
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.Write([]byte("x"))
	return err
}
`,
        findings: [/f was written to, and its Close error is dropped/],
        output: `package a

import (
	"os"
	"errors"
)

func f(p string) (err error) {
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}()
	_, err = f.Write([]byte("x"))
	return err
}
`,
      },
    ],
  },
  loopvar: {
    go: '1.21',
    valid: [`package a

func f(xs []int) {
	for _, x := range xs {
		println(x)
	}
}
`],
    invalid: [
      {
        code: `package a

func f(xs []int) {
	for _, x := range xs {
		go func() { println(x) }()
	}
}
`,
        findings: [/loop variable x captured by goroutine at line 5; before Go 1.22 all iterations share x/],
        output: `package a

func f(xs []int) {
	for _, x := range xs {
		x := x
		go func() { println(x) }()
	}
}
`,
      },
    ],
  },
  'env-config': {
    valid: [
      `package a

import "os"

func init() {
	os.Setenv("MODE", "test")
}
`,
    ],
    invalid: [
      {
        code: PORT,
        findings: [/^os\.Getenv\("PORT"\) → config\.Get\(\)\.Raw\.Port \(string\)$/],
        output: `package a

import "example.com/module/internal/config"

// Port is the port to listen on.
func Port() string {
	return config.Get().Raw.Port
}
`,
        elsewhere: [/^internal\/config\/config\.go: generate package internal\/config with 1 environment variables$/],
      },
      {
        // A neighbour's `config` takes the name: the import is named envconfig.
        code: PORT,
        files: { 'b.go': 'package a\n\nvar config = 1\n' },
        findings: [/^os\.Getenv\("PORT"\) → config\.Get\(\)\.Raw\.Port \(string\)$/],
        output: `package a

import envconfig "example.com/module/internal/config"

// Port is the port to listen on.
func Port() string {
	return envconfig.Get().Raw.Port
}
`,
        elsewhere: [/^internal\/config\/config\.go: generate package internal\/config with 1 environment variables$/],
      },
      {
        // A hand-written package where the config would go: nothing moves.
        code: PORT,
        files: { 'internal/config/settings.go': 'package config\n\n// Settings are written by hand.\ntype Settings struct{}\n' },
        findings: [/not moved to internal\/config: internal\/config exists and was not generated by goprod \(settings\.go\)/],
        output: PORT,
      },
      {
        // The package a previous run generated keeps the variables it recorded.
        code: PORT,
        files: {
          'internal/config/config.go':
            '// Code generated by goprod env-config. DO NOT EDIT.\n' +
            '// goprod:env-config [{"name":"DB_NAME","type":"string","required":false}]\n\npackage config\n',
        },
        findings: [/^os\.Getenv\("PORT"\) → config\.Get\(\)\.Raw\.Port/],
        output: `package a

import "example.com/module/internal/config"

// Port is the port to listen on.
func Port() string {
	return config.Get().Raw.Port
}
`,
        elsewhere: [/^internal\/config\/config\.go: generate package internal\/config with 2 environment variables$/],
      },
      {
        // Set at run time: the read stays live.
        code: `package a

import "os"

func init() {
	os.Setenv("MODE", "test")
}

// Mode is the mode the program runs in.
func Mode() string {
	return os.Getenv("MODE")
}
`,
        findings: [/^os\.Getenv\("MODE"\) left as it is: MODE is set at run time \(a\.go:6\)/],
        output: `package a

import "os"

func init() {
	os.Setenv("MODE", "test")
}

// Mode is the mode the program runs in.
func Mode() string {
	return os.Getenv("MODE")
}
`,
      },
    ],
  },
};

describe.each(Object.entries(CASES))('%s in process', (name, cases) => codemodCases(byName(name), cases));
