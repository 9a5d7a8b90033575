package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	goimporter "go/importer"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
)

// Export data: under the host's platform the go command has compiled the dependencies for
// go vet already (or will, to verify), so their types can be read from its build cache
// instead of checked from source. The packages asked about are checked from source (their
// function bodies are what the facts are about), and so is every package that imports one of
// them: its export data would name a second copy of it. Under the host's platform with tags,
// a dependency whose files and imports are the host's reads the host's export data (see
// session.go), and no other is compiled for the tags.

// exportData reads packages from the go command's export data files, one at a time (the
// importer is not safe for concurrent use).
type exportData struct {
	mu    sync.Mutex
	files map[string]string
	gc    types.Importer
}

func newExportData(fset *token.FileSet) *exportData {
	e := &exportData{files: map[string]string{}}
	e.gc = goimporter.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := e.files[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(file)
	})
	return e
}

// add names the export data file of a package.
func (e *exportData) add(path, file string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.files[path] = file
}

func (e *exportData) Import(path string) (*types.Package, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.gc.Import(path)
}

// readExports asks the go command for the export data of the units that are dependencies
// outside the main module (compiling those its build cache lacks) and marks them to be read
// from it.
// A package it cannot compile is left to be checked from source, which says why.
func readExports(l *loaded, units []*unit, req request, exports *exportData) error {
	checked := map[string]bool{} // the packages asked about, their test variants too
	for _, u := range l.order {
		if !u.p.DepOnly {
			checked[u.p.ImportPath] = true
			checked[strings.Fields(u.p.ImportPath)[0]] = true
		}
	}
	var paths []string
next:
	for _, u := range units {
		if checked[u.p.ImportPath] || u.p.ForTest != "" || u.p.ImportPath == "unsafe" {
			continue
		}
		// A package of another module may import the module's own too (containerd's vendored
		// imgcrypt imports containerd/v2/client).
		for _, d := range u.p.Deps {
			if checked[d] {
				continue next
			}
		}
		paths = append(paths, u.p.ImportPath)
	}
	files := map[string]string{}
	// In parts: a command line has limits (32k characters on windows).
	for len(paths) > 0 {
		n, size := 0, 0
		for n < len(paths) && size < 20000 {
			size += len(paths[n]) + 1
			n++
		}
		cmd := goCommand(req, "list", "-e", "-export", "-json=ImportPath,Export")
		cmd.Args = append(cmd.Args, paths[:n]...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return fmt.Errorf("go list -export: %s", strings.TrimSpace(stderr.String()))
		} else if err != nil {
			return fmt.Errorf("go list -export: %w", err)
		}
		dec := json.NewDecoder(bytes.NewReader(out))
		for {
			var p struct{ ImportPath, Export string }
			if err := dec.Decode(&p); err == io.EOF {
				break
			} else if err != nil {
				return fmt.Errorf("reading go list -export's output: %w", err)
			}
			if p.Export != "" {
				files[p.ImportPath] = p.Export
			}
		}
		paths = paths[n:]
	}
	for path, file := range files {
		if u := l.units[path]; u != nil {
			u.export = file
			exports.add(path, file)
		}
	}
	return nil
}
