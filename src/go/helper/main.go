// Command goprod-helper type-checks Go packages from source under one build configuration
// (the GOOS, GOARCH and CGO_ENABLED of its environment, and -tags), reading the go command's
// overlay, and prints what it found as one JSON document. It is goprod's proof for the build
// configurations other than the host's: the go command would have to compile the whole
// dependency tree for each of them before `go vet` could look at one package, while go/types
// checks the same code from source, without object code or export data. Standard library
// only: goprod builds it with the user's go, which never downloads anything for it.
//
//	goprod-helper check [-tags a,b] [-overlay FILE] PATTERN...   (in the module's directory)
//	goprod-helper facts [-tags a,b] [-overlay FILE] [-files FILE] [-export] PATTERN...
//
// check reports type errors and vet-like findings (see check.go); facts reports what the
// type checker knows of the places goprod's codemods ask about (see facts.go).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
)

// report is the document goprod reads.
type report struct {
	// Fatal: the go command could not load the packages at all.
	Fatal string `json:"fatal,omitempty"`
	// Packages are the listed packages that are not only dependencies, as `go list -json` prints them.
	Packages    []listed     `json:"packages"`
	Diagnostics []diagnostic `json:"diagnostics"`
	// Failures are problems that name no place in the user's code.
	Failures []string `json:"failures"`
}

type diagnostic struct {
	Path    string `json:"path"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
	// Compile: the code does not compile (a type error); false for a vet-like finding.
	Compile    bool   `json:"compile"`
	ImportPath string `json:"importPath"`
}

func main() {
	// Generic type aliases (Go 1.24) are checked only with gotypesalias=1, which go/types does
	// by default only for a program whose go.mod says go 1.23 or later; this one says 1.21, the
	// oldest Go it builds with. An unknown setting is ignored, so older Go is not bothered.
	os.Setenv("GODEBUG", strings.TrimPrefix(os.Getenv("GODEBUG")+",gotypesalias=1", ","))
	if len(os.Args) < 2 || (os.Args[1] != "check" && os.Args[1] != "facts") {
		fmt.Fprintln(os.Stderr, "usage: goprod-helper check|facts [-tags a,b] [-overlay FILE] PATTERN...")
		os.Exit(2)
	}
	flags := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	tags := flags.String("tags", "", "build tags, comma-separated")
	overlay := flags.String("overlay", "", "the go command's overlay file")
	var files *string
	var export *bool
	if os.Args[1] == "facts" {
		files = flags.String("files", "", "a file naming the files (one path a line) whose facts are wanted; the others' function bodies are not checked")
		export = flags.Bool("export", false, "read the dependencies outside the main module from the go command's export data (go list -export) instead of checking them")
	}
	flags.Parse(os.Args[2:])

	var r any
	var err error
	if os.Args[1] == "check" {
		r, err = check(*tags, *overlay, flags.Args())
	} else {
		r, err = facts(*tags, *overlay, *files, *export, flags.Args())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "goprod-helper:", err)
		os.Exit(1)
	}
	out := json.NewEncoder(os.Stdout)
	if err := out.Encode(r); err != nil {
		fmt.Fprintln(os.Stderr, "goprod-helper:", err)
		os.Exit(1)
	}
}
