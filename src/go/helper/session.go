package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/token"
	"go/types"
	"os"
	"sync"
)

// session is what one helper process keeps from one request to the next, by what a
// dependency is checked from (its identity): the packages it checked from source for their
// declarations, and the go command's export data of those it read. A later request that
// lists the same package, from the same files and over the same imports, takes the package
// as it is, or reads the same export data; so the standard library and the module's
// dependencies are checked once for a build configuration, its variants with tags, and the
// proof after the facts, and a variant with tags of the host's configuration reads what the
// go command compiled for the host.
type session struct {
	fset *token.FileSet

	mu       sync.Mutex
	packages map[string]*types.Package // by identity
	exports  map[string]string         // export data files, by identity
	digests  map[string]digest         // files' contents, by path (see memo.go)

	// goEnv: GOMODCACHE and GOENV, asked once (see askGoEnv).
	goEnv    sync.Once
	modcache string
	goenv    string
}

func newSession() *session {
	return &session{fset: token.NewFileSet(), packages: map[string]*types.Package{}, exports: map[string]string{}, digests: map[string]digest{}}
}

func (s *session) lookup(identity string) (*types.Package, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.packages[identity], s.exports[identity]
}

// keep gives the session a package unless it has one of that identity already (a request
// answered at the same time checked it too): the first is kept, for the packages kept above
// it see that one. It answers whether pkg was kept.
func (s *session) keep(identity string, pkg *types.Package) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.packages[identity] != nil {
		return false
	}
	s.packages[identity] = pkg
	return true
}

func (s *session) keepExport(identity, file string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.exports[identity] = file
}

// identity says what a dependency's declarations are checked from: its import path, its
// files (as the overlay has them), the identities of what its imports resolve to, and the
// word size. Empty for a package checked in full, one the go command could not load, or one
// whose files cannot be read.
func (c *checker) identity(u *unit) string {
	if u.full || u.p.Error != nil {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%d\x00", c.goarch, u.p.ImportPath, u.p.Dir, len(u.p.CgoFiles))
	for _, dep := range c.imports(u) {
		if dep == nil || dep.identity == "" {
			return ""
		}
		fmt.Fprintf(h, "import %s %s\x00", dep.p.ImportPath, dep.identity)
	}
	for _, name := range unitFiles(u.p) {
		path := pathIn(u.p.Dir, name)
		if replacement, ok := c.overlay[path]; ok {
			data, err := os.ReadFile(replacement)
			if err != nil || replacement == "" {
				return ""
			}
			fmt.Fprintf(h, "file %s %x\x00", path, sha256.Sum256(data))
			continue
		}
		info, err := os.Stat(path)
		if err != nil {
			return ""
		}
		fmt.Fprintf(h, "file %s %d %d\x00", path, info.Size(), info.ModTime().UnixNano())
	}
	return hex.EncodeToString(h.Sum(nil))
}

// imports are the units a unit's imports resolve to (nil for one not listed before it: an
// import cycle, which the go command reports).
func (c *checker) imports(u *unit) []*unit {
	var deps []*unit
	for _, path := range u.p.Imports {
		if mapped, ok := u.p.ImportMap[path]; ok {
			path = mapped
		}
		if path == "unsafe" || path == "C" {
			continue
		}
		dep := c.units[path]
		if dep != nil && dep.at >= u.at {
			dep = nil
		}
		deps = append(deps, dep)
	}
	return deps
}

// reuse takes what the session has of a unit: export data, or the package itself when every
// import of it is a package the session keeps too (an importer must see the very packages its
// imports see). It answers whether the unit needs no check.
func (c *checker) reuse(u *unit) bool {
	if u.identity == "" {
		return u.export != ""
	}
	pkg, export := c.session.lookup(u.identity)
	switch {
	case u.export != "":
		c.session.keepExport(u.identity, u.export)
	case export != "":
		u.export = export
		c.exports.add(u.p.ImportPath, export)
	case pkg != nil && c.importsKept(u):
		u.pkg, u.kept = pkg, true
	}
	return u.export != "" || u.kept
}

// keep gives the session a unit checked from source without errors, when its imports are kept too.
func (c *checker) keep(u *unit) {
	if u.identity != "" && u.failed == nil && u.pkg != nil && c.importsKept(u) {
		u.kept = c.session.keep(u.identity, u.pkg)
	}
}

func (c *checker) importsKept(u *unit) bool {
	for _, dep := range c.imports(u) {
		if dep == nil || !dep.kept {
			return false
		}
	}
	return true
}

// unitFiles: the files go/types checks of a listed package.
func unitFiles(p *listedPackage) []string {
	return append(append([]string{}, p.GoFiles...), p.CgoFiles...)
}
