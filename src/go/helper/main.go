// Command goprod-helper type-checks Go packages from source under a build configuration
// (GOOS, GOARCH, CGO_ENABLED and tags), reading the go command's overlay, for goprod. It is
// goprod's proof for the build configurations other than the host's: the go command would
// have to compile the whole dependency tree for each of them before `go vet` could look at
// one package, while go/types checks the same code from source, without object code or
// export data. It also gives goprod's codemods the type checker's facts. Standard library
// only: goprod builds it with the user's go, which never downloads anything for it.
//
//	goprod-helper serve
//
// reads requests, one JSON document a line, on stdin and answers each with one line on
// stdout, `ID<tab>JSON`, as soon as it is done: requests are answered concurrently (see
// request). One process serves a whole goprod run, so that a package type-checked
// for one request (the standard library, the module's dependencies) is not checked again for
// the next one that sees the same files under the same imports: the facts of one build
// configuration and another's with tags, or the facts and the proof of the same one.
//
// check reports type errors and vet-like findings (see check.go); facts reports what the
// type checker knows of the places goprod's codemods ask about (see facts.go).
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
)

// request is one line of goprod's.
type request struct {
	// ID comes back with the answer.
	ID int `json:"id"`
	// Command is check or facts.
	Command string `json:"command"`
	// Dir is the module's directory, where the go command runs.
	Dir string `json:"dir"`
	// Env is added to the helper's own environment for the go command: GOOS, GOARCH,
	// CGO_ENABLED, GOWORK, GOTMPDIR.
	Env      map[string]string `json:"env"`
	Tags     string            `json:"tags"`
	Overlay  string            `json:"overlay"`
	Patterns []string          `json:"patterns"`
	// Files (facts): the files whose facts are wanted; the other files' function bodies are not checked.
	Files []string `json:"files"`
	// Export (facts): read the dependencies from the go command's export data (go list
	// -export) instead of checking them from source.
	Export bool `json:"export"`
	// Cache: goprod's result cache, where the facts of the packages checked in full and the
	// checks' findings are kept for later runs (see memo.go); none when empty.
	Cache string `json:"cache"`
}

// report is the document check prints.
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
	if len(os.Args) != 2 || os.Args[1] != "serve" {
		fmt.Fprintln(os.Stderr, "usage: goprod-helper serve   (requests on stdin, one JSON document a line)")
		os.Exit(2)
	}
	if err := serve(); err != nil {
		fmt.Fprintln(os.Stderr, "goprod-helper:", err)
		os.Exit(1)
	}
}

// serve answers requests until stdin ends, each as soon as it is done. A request that fails
// is answered with its error ({"error": "…"}); a line that is not a request ends the helper.
func serve() error {
	s := newSession()
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 0, 1<<20), 1<<30)
	out := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex // one answer at a time
	var answering sync.WaitGroup
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			return fmt.Errorf("reading a request: %w", err)
		}
		answering.Add(1)
		go func() {
			defer answering.Done()
			line, err := json.Marshal(answer(s, req))
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				_, err = fmt.Fprintf(out, "%d\t%s\n", req.ID, line)
			}
			if err == nil {
				err = out.Flush()
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "goprod-helper: answering:", err)
				os.Exit(1)
			}
		}()
	}
	answering.Wait()
	return in.Err()
}

func answer(s *session, req request) any {
	var answer any
	var err error
	switch req.Command {
	case "check":
		answer, err = check(s, req)
	case "facts":
		answer, err = facts(s, req)
	default:
		err = fmt.Errorf("unknown command %q", req.Command)
	}
	if err != nil {
		return struct {
			Error string `json:"error"`
		}{err.Error()}
	}
	return answer
}
