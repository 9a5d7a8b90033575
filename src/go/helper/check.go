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
	// export: the file of the go command's export data for the package, which is read
	// instead of checking it (see exportData).
	export string
	// identity: what its declarations are checked from (see session.go); kept: the package
	// is the session's, which later requests reuse.
	identity string
	kept     bool
}

// check lists the packages of patterns and their dependencies, type-checks them all from
// source (each as soon as what it imports is checked, on every CPU), and reports the type
// errors and printf findings of the packages in patterns. With a cache, a check of the same
// packages from the same files (a run before checked the same fixes) is read from it.
func check(s *session, req request) (*report, error) {
	l, fatal, err := load(s, req)
	if err != nil || fatal != "" {
		return &report{Fatal: fatal, Packages: []listed{}, Diagnostics: []diagnostic{}, Failures: []string{}}, err
	}
	r := &report{Packages: l.listed, Diagnostics: []diagnostic{}, Failures: []string{}}
	c := newChecker(s, req, l, r, func(u *unit, files []*ast.File, info *types.Info, c *checker) {
		for _, f := range files {
			for _, d := range vetFile(f, info) {
				c.add(u, c.fset.Position(d.pos), d.message, false)
			}
		}
	})
	var m *memo
	if req.Cache != "" {
		m = newMemo(s, req, l, c)
	}
	key := m.checkKey(l.order)
	var found checkFindings
	if m.get(key, &found) {
		r.Diagnostics, r.Failures = found.Diagnostics, found.Failures
		return r, nil
	}
	c.run(l.order)

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
	m.put(key, checkFindings{r.Diagnostics, r.Failures})
	return r, nil
}

// checkFindings: what a check found, as the memo keeps it.
type checkFindings struct {
	Diagnostics []diagnostic
	Failures    []string
}

// loaded: the listed packages as units to check, in go list's order, and what to tell goprod
// of those it asked about.
type loaded struct {
	units   map[string]*unit
	order   []*unit
	listed  []listed
	overlay map[string]string
}

// load lists the packages of patterns and their dependencies (see list) as units: the
// packages in patterns (their test variants where they have tests) to check in full, the
// others for their declarations.
func load(s *session, req request) (*loaded, string, error) {
	overlay, err := readOverlay(req.Overlay)
	if err != nil {
		return nil, "", err
	}
	packages, fatal, err := listKept(s, req)
	if err != nil || fatal != "" {
		return nil, fatal, err
	}
	l := &loaded{units: map[string]*unit{}, listed: []listed{}, overlay: overlay}
	tested := map[string]bool{} // packages whose test variant is checked in full instead
	for _, p := range neededPackages(packages) {
		if p.ForTest != "" && !p.DepOnly && p.ImportPath == p.ForTest+" ["+p.ForTest+".test]" {
			tested[p.ForTest] = true
		}
		u := &unit{p: p, done: make(chan struct{}), at: len(l.order)}
		l.units[p.ImportPath] = u
		l.order = append(l.order, u)
	}
	for _, u := range l.order {
		if !u.p.DepOnly {
			u.full = !tested[u.p.ImportPath]
			l.listed = append(l.listed, listed{
				u.p.Dir, u.p.ImportPath, u.p.Name, u.p.ForTest, u.p.GoFiles, u.p.CgoFiles, u.p.TestGoFiles, u.p.XTestGoFiles,
				u.p.Deps, u.p.Error, u.p.DepsErrors,
			})
		}
	}
	return l, "", nil
}

// neededPackages drops the generated test mains and what only they import (testing's
// internal/testdeps pulls in go/parser, runtime/pprof and internal/fuzz): go vet compiles
// none of them, so their export data would be compiled for goprod alone, and nothing asked
// about needs their types.
func neededPackages(packages []*listedPackage) []*listedPackage {
	byPath := map[string]*listedPackage{}
	for _, p := range packages {
		byPath[p.ImportPath] = p
	}
	needed := map[string]bool{}
	var need func(p *listedPackage)
	need = func(p *listedPackage) {
		if needed[p.ImportPath] {
			return
		}
		needed[p.ImportPath] = true
		for _, path := range p.Imports {
			if mapped, ok := p.ImportMap[path]; ok {
				path = mapped
			}
			if dep := byPath[path]; dep != nil {
				need(dep)
			}
		}
	}
	for _, p := range packages {
		if !p.DepOnly && !(p.ForTest == "" && strings.HasSuffix(p.ImportPath, ".test")) {
			need(p)
		}
	}
	var out []*listedPackage
	for _, p := range packages {
		if needed[p.ImportPath] {
			out = append(out, p)
		}
	}
	return out
}

// checked is told of each package checked in full, with its files and what go/types recorded.
type checked func(u *unit, files []*ast.File, info *types.Info, c *checker)

func newChecker(s *session, req request, l *loaded, r *report, full checked) *checker {
	goarch := req.Env["GOARCH"]
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	return &checker{
		session: s, units: l.units, overlay: l.overlay, goarch: goarch, sizes: types.SizesFor("gc", goarch), fset: s.fset, report: r, full: full,
		exports: newExportData(s.fset),
	}
}

// run type-checks the units, each as soon as what it imports is checked, on every CPU.
func (c *checker) run(order []*unit) {
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for _, u := range order {
		wg.Add(1)
		go func(u *unit) {
			defer wg.Done()
			defer close(u.done)
			for _, dep := range c.imports(u) {
				if dep != nil {
					<-dep.done
				}
			}
			u.identity = c.identity(u)
			if c.reuse(u) {
				return // an export unit is read when imported
			}
			slots <- struct{}{}
			defer func() { <-slots }()
			c.checkUnit(u)
			c.keep(u)
		}(u)
	}
	wg.Wait()
}

type checker struct {
	session *session
	units   map[string]*unit
	overlay map[string]string
	goarch  string
	sizes   types.Sizes
	fset    *token.FileSet
	full    checked
	// selections: record method selections too (the facts need them, the check does not).
	selections bool
	// bodies: where not nil, the files of packages checked in full whose function bodies are
	// checked; the others' are not (see stripBodies).
	bodies map[string]bool
	// exports reads the packages that have export data (u.export).
	exports *exportData

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
		} else if c.bodies != nil && !c.bodies[path] {
			stripBodies(f)
		}
		files = append(files, f)
	}

	var info *types.Info
	if u.full {
		info = &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Uses: map[*ast.Ident]types.Object{}}
		if c.selections {
			info.Selections = map[*ast.SelectorExpr]*types.Selection{}
		}
	}
	conf := types.Config{
		Importer:         importer{c, u},
		Sizes:            c.sizes,
		IgnoreFuncBodies: !u.full,
		FakeImportC:      len(p.CgoFiles) > 0,
		Error: func(err error) {
			if c.bodies != nil && strippedImport(c, err) {
				return
			}
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
		c.full(u, files, info, c)
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
	c.report.Diagnostics = append(c.report.Diagnostics, diagnostic{
		Path: at.Filename, Line: at.Line, Column: at.Column, Message: message, Compile: compile,
		ImportPath: strings.Fields(u.p.ImportPath)[0],
	})
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
	if dep.export != "" {
		return i.c.exports.Import(path)
	}
	if dep.pkg == nil {
		return nil, fmt.Errorf("package %s could not be checked: %v", path, dep.failed)
	}
	// A package with type errors is still what its declarations say, as the compiler would
	// have it: its importers are checked against that.
	return dep.pkg, nil
}

// stripBodies replaces the body of every function of a file checked in full by one that
// checks nothing and needs no return (`for {}`): its declarations are still checked, as the
// other files of its package need them.
func stripBodies(f *ast.File) {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
			at := fd.Body.Lbrace
			fd.Body = &ast.BlockStmt{
				Lbrace: at,
				List:   []ast.Stmt{&ast.ForStmt{For: at, Body: &ast.BlockStmt{Lbrace: at, Rbrace: at}}},
				Rbrace: fd.Body.Rbrace,
			}
		}
	}
}

// strippedImport: an error that only a file's stripped bodies cause, an import they used.
func strippedImport(c *checker, err error) bool {
	var e types.Error
	if !errors.As(err, &e) || !e.Soft {
		return false
	}
	at := c.fset.Position(e.Pos)
	return !c.bodies[at.Filename] && strings.Contains(e.Msg, " imported ") && strings.HasSuffix(e.Msg, " not used")
}
