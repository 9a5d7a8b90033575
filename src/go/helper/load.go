package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// listedPackage is one package of `go list -deps -test -json`: its files, and how its
// imports resolve (test variants import other variants).
type listedPackage struct {
	Dir, ImportPath, Name, ForTest               string
	GoFiles, CgoFiles, TestGoFiles, XTestGoFiles []string
	Imports                                      []string
	ImportMap                                    map[string]string
	Deps                                         []string
	Standard, DepOnly                            bool
	Module                                       *struct {
		GoVersion, GoMod string
		Main             bool
	}
	Error      *packageError
	DepsErrors []*packageError
}

// listed is what goprod is told of a package it asked about: what `go list -json` says of
// its files, dependencies and load errors, under the same names.
type listed struct {
	Dir          string `json:",omitempty"`
	ImportPath   string
	Name         string          `json:",omitempty"`
	ForTest      string          `json:",omitempty"`
	GoFiles      []string        `json:",omitempty"`
	CgoFiles     []string        `json:",omitempty"`
	TestGoFiles  []string        `json:",omitempty"`
	XTestGoFiles []string        `json:",omitempty"`
	Deps         []string        `json:",omitempty"`
	Error        *packageError   `json:",omitempty"`
	DepsErrors   []*packageError `json:",omitempty"`
}

type packageError struct {
	Pos string `json:",omitempty"`
	Err string
}

const listFields = "Dir,ImportPath,Name,ForTest,GoFiles,CgoFiles,TestGoFiles,XTestGoFiles,Imports,ImportMap," +
	"Deps,Standard,DepOnly,Module,Error,DepsErrors"

// goCommand is the go command with args for a request: in its module's directory, under its
// configuration.
func goCommand(req request, args ...string) *exec.Cmd {
	if req.Tags != "" {
		args = append(args, "-tags="+req.Tags)
	}
	if req.Overlay != "" {
		args = append(args, "-overlay="+req.Overlay)
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = req.Dir
	cmd.Env = os.Environ()
	for name, value := range req.Env {
		cmd.Env = append(cmd.Env, name+"="+value)
	}
	return cmd
}

// list runs `go list -e -deps -test` on the request's patterns. It answers the packages in
// dependency order (each after what it imports), or the go command's complaint when it could
// not load them at all.
func list(req request) ([]*listedPackage, string, error) {
	cmd := goCommand(req, "list", "-e", "-deps", "-test", "-json="+listFields)
	cmd.Args = append(cmd.Args, req.Patterns...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		for _, line := range strings.Split(stderr.String(), "\n") {
			if strings.TrimSpace(line) != "" && !strings.HasPrefix(line, "go: downloading ") {
				return nil, line, nil
			}
		}
		return nil, fmt.Sprintf("go list exited with status %d", exit.ExitCode()), nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("go list: %w", err)
	}
	var packages []*listedPackage
	dec := json.NewDecoder(bytes.NewReader(stdout))
	for {
		p := new(listedPackage)
		if err := dec.Decode(p); err == io.EOF {
			break
		} else if err != nil {
			return nil, "", fmt.Errorf("reading go list's output: %w", err)
		}
		packages = append(packages, p)
	}
	return packages, "", nil
}

// readOverlay answers the go command's overlay file as a map from the user's path to the path
// of the content that replaces it.
func readOverlay(file string) (map[string]string, error) {
	if file == "" {
		return nil, nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var overlay struct{ Replace map[string]string }
	if err := json.Unmarshal(data, &overlay); err != nil {
		return nil, fmt.Errorf("overlay %s: %w", file, err)
	}
	return overlay.Replace, nil
}
