package main

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// unit is one package to type-check: every listed package, test variants included.
type unit struct {
	p *listedPackage
	// full: a package goprod asked about, checked with its function bodies and the printf
	// check; dependencies are checked for their declarations only.
	full bool
	done chan struct{}
	// at: the place in go list's order, which puts a package after what it imports unless
	// the imports form a cycle (which the go command reports).
	at  int
	pkg *types.Package
	// failed: the package had type errors (a dependency's are only declarations').
	failed error
}

// check lists the packages of patterns and their dependencies, type-checks them all from
// source (each as soon as what it imports is checked, on every CPU), and reports the type
// errors and printf findings of the packages in patterns.
func check(tags, overlayFile string, patterns []string) (*report, error) {
	overlay, err := readOverlay(overlayFile)
	if err != nil {
		return nil, err
	}
	packages, fatal, err := list(tags, overlayFile, patterns)
	if err != nil || fatal != "" {
		return &report{Fatal: fatal, Packages: []listed{}, Diagnostics: []diagnostic{}, Failures: []string{}}, err
	}

	units := map[string]*unit{}
	tested := map[string]bool{} // packages whose test variant is checked in full instead
	var order []*unit
	for _, p := range packages {
		if p.ForTest == "" && strings.HasSuffix(p.ImportPath, ".test") {
			continue // the generated test main
		}
		if p.ForTest != "" && !p.DepOnly && p.ImportPath == p.ForTest+" ["+p.ForTest+".test]" {
			tested[p.ForTest] = true
		}
		u := &unit{p: p, done: make(chan struct{}), at: len(order)}
		units[p.ImportPath] = u
		order = append(order, u)
	}
	r := &report{Packages: []listed{}, Diagnostics: []diagnostic{}, Failures: []string{}}
	for _, u := range order {
		if !u.p.DepOnly {
			u.full = !tested[u.p.ImportPath]
			r.Packages = append(r.Packages, listed{u.p.Dir, u.p.ImportPath, u.p.ForTest, u.p.GoFiles, u.p.CgoFiles, u.p.TestGoFiles, u.p.XTestGoFiles, u.p.Deps, u.p.Error, u.p.DepsErrors})
		}
	}

	goarch := os.Getenv("GOARCH")
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	c := &checker{units: units, overlay: overlay, sizes: types.SizesFor("gc", goarch), fset: token.NewFileSet(), report: r}
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for _, u := range order {
		wg.Add(1)
		go func(u *unit) {
			defer wg.Done()
			defer close(u.done)
			for _, path := range u.p.Imports {
				if dep := units[path]; dep != nil && dep.at < u.at {
					<-dep.done
				}
			}
			slots <- struct{}{}
			defer func() { <-slots }()
			c.checkUnit(u)
		}(u)
	}
	wg.Wait()

	sort.SliceStable(r.Diagnostics, func(i, j int) bool {
		a, b := r.Diagnostics[i], r.Diagnostics[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return r, nil
}

type checker struct {
	units   map[string]*unit
	overlay map[string]string
	sizes   types.Sizes
	fset    *token.FileSet

	mu     sync.Mutex
	report *report
	seen   map[string]bool // diagnostics already reported (a file is in a package and its test variant)
}

func (c *checker) checkUnit(u *unit) {
	p := u.p
	var names []string
	names = append(names, p.GoFiles...)
	names = append(names, p.CgoFiles...)
	mode := parser.SkipObjectResolution
	if u.full {
		mode |= parser.ParseComments // //go:build lines set a file's Go version
	}
	var files []*ast.File
	for _, name := range names {
		path := name
		if !filepath.IsAbs(path) {
			path = filepath.Join(p.Dir, name)
		}
		src, err := c.read(path)
		if err != nil {
			u.failed = err
			c.failure(u, err.Error())
			return
		}
		f, err := parser.ParseFile(c.fset, path, src, mode)
		if err != nil {
			u.failed = err
			c.syntaxErrors(u, err)
			if f == nil {
				return
			}
		}
		if !u.full {
			for _, d := range f.Decls {
				// Not looked at (IgnoreFuncBodies), so not kept; an empty body, as go/types
				// rejects generic functions and init without one.
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
					fd.Body = &ast.BlockStmt{Lbrace: fd.Body.Lbrace, Rbrace: fd.Body.Rbrace}
				}
			}
		}
		files = append(files, f)
	}

	var info *types.Info
	if u.full {
		info = &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Uses: map[*ast.Ident]types.Object{}}
	}
	conf := types.Config{
		Importer:         importer{c, u},
		Sizes:            c.sizes,
		IgnoreFuncBodies: !u.full,
		FakeImportC:      len(p.CgoFiles) > 0,
		Error: func(err error) {
			if u.failed == nil {
				u.failed = err
			}
			c.typeError(u, err)
		},
	}
	if u.full && p.Module != nil && p.Module.GoVersion != "" {
		conf.GoVersion = "go" + p.Module.GoVersion
	}
	pkg, _ := conf.Check(strings.Fields(p.ImportPath)[0], c.fset, files, info)
	u.pkg = pkg
	if u.full && info != nil {
		for _, f := range files {
			for _, d := range vetFile(f, info) {
				c.add(u, c.fset.Position(d.pos), d.message, false)
			}
		}
	}
}

// reportable: a dependency whose errors are the user's to see (it is in their module).
func (c *checker) reportable(u *unit) bool {
	return u.p.Module != nil && u.p.Module.Main
}

func (c *checker) read(path string) ([]byte, error) {
	if replacement, ok := c.overlay[path]; ok {
		if replacement == "" {
			return nil, fmt.Errorf("%s is deleted by the overlay", path)
		}
		return os.ReadFile(replacement)
	}
	return os.ReadFile(path)
}

func (c *checker) typeError(u *unit, err error) {
	var e types.Error
	if !errors.As(err, &e) {
		c.failure(u, err.Error())
		return
	}
	if !u.full && !c.reportable(u) {
		c.failure(u, err.Error())
		return
	}
	c.add(u, c.fset.Position(e.Pos), e.Msg, true)
}

func (c *checker) syntaxErrors(u *unit, err error) {
	var list scanner.ErrorList
	if !errors.As(err, &list) || !u.full && !c.reportable(u) {
		c.failure(u, err.Error())
		return
	}
	for _, e := range list {
		c.add(u, e.Pos, e.Msg, true)
	}
}

func (c *checker) failure(u *unit, message string) {
	if !u.full && !c.reportable(u) {
		message = fmt.Sprintf("type-checking %s (a dependency) under this configuration: %s", u.p.ImportPath, message)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, f := range c.report.Failures {
		if f == message {
			return
		}
	}
	c.report.Failures = append(c.report.Failures, message)
}

func (c *checker) add(u *unit, at token.Position, message string, compile bool) {
	key := fmt.Sprintf("%s:%d:%d: %s", at.Filename, at.Line, at.Column, message)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	if c.seen[key] {
		return
	}
	c.seen[key] = true
	c.report.Diagnostics = append(c.report.Diagnostics, diagnostic{Path: at.Filename, Line: at.Line, Column: at.Column, Message: message, Compile: compile, ImportPath: strings.Fields(u.p.ImportPath)[0]})
}

// importer resolves a unit's imports to the packages checked before it.
type importer struct {
	c *checker
	u *unit
}

func (i importer) Import(path string) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	if mapped, ok := i.u.p.ImportMap[path]; ok {
		path = mapped
	}
	dep := i.c.units[path]
	if dep == nil || dep.at >= i.u.at {
		return nil, fmt.Errorf("package %s is not listed before it (an import cycle?)", path)
	}
	if dep.pkg == nil {
		return nil, fmt.Errorf("package %s could not be checked: %v", path, dep.failed)
	}
	// A package with type errors is still what its declarations say, as the compiler would
	// have it: its importers are checked against that.
	return dep.pkg, nil
}
