package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// A listing kept from one run to the next. go list takes a few hundred milliseconds for each
// build configuration, and a facts request lists its packages every run, also when all their
// facts are kept (memo.go). So the listing of a request without overlay is kept in the cache
// with the stamps (size and modification time) of what the go command read it from: each
// package's directory (whose time changes when an entry comes or goes) and the files in it,
// each module's go.mod, go.sum and vendor/modules.txt, the workspace's go.work, and the go
// command's settings file (go env -w: GOFLAGS there changes what is listed). The standard
// library and the module cache are not stamped; they do not change (see memo.go). A later
// request with the same key takes the listing if every stamp is as it was.
//
// Not kept: a listing with a load error (a package written later may resolve it, in a
// directory nothing stamps), and one read from a file changed less than racyMargin before:
// a change within the file system's clock step would go unseen (git's racily clean rule).

// notListed: variables of the go command's environment that a listing does not depend on: where
// it builds and keeps things (GOTMPDIR is a directory of its own for each request), and goprod's
// own cache.
var notListed = map[string]bool{"GOCACHE": true, "GOTMPDIR": true, "GOCOVERDIR": true, "GOPROD_CACHE": true}

// racyMargin: how long before a listing the files it was read from must have last changed.
const racyMargin = 3 * time.Second

// keptListing is a listing as kept: go list's packages, and the stamps it is valid under.
type keptListing struct {
	Packages []*listedPackage
	Stamps   []stamp
}

// stamp: a path's size and modification time, or Missing for a path that was not there.
type stamp struct {
	Path    string
	Size    int64 `json:",omitempty"`
	ModTime int64 `json:",omitempty"`
	Missing bool  `json:",omitempty"`
}

// listKept answers the request's listing (see list), from the cache when a run before kept it
// and nothing it was read from changed since.
func listKept(s *session, req request) ([]*listedPackage, string, error) {
	if req.Cache == "" || req.Overlay != "" {
		return list(req)
	}
	m := &memo{dir: req.Cache}
	key := listingKey(req)
	var kept keptListing
	if key != "" && m.get(key, &kept) && unchanged(kept.Stamps) {
		return kept.Packages, "", nil
	}
	started := time.Now()
	packages, fatal, err := list(req)
	if err != nil || fatal != "" || key == "" {
		return packages, fatal, err
	}
	if stamps, ok := listingStamps(packages, s.moduleCache(req), req.Env["GOWORK"], s.goEnvFile(req), started); ok {
		m.put(key, keptListing{packages, stamps})
	}
	return packages, fatal, err
}

// listingKey: what a listing is a function of besides its files: the helper (and so the Go
// version), the go command, the directory, configuration and patterns, and the go command's
// environment but for where it keeps things that say nothing of the packages (notListed); ""
// when the helper cannot tell which executable it is, or which go command would list.
func listingKey(req request) string {
	version := helperVersion()
	if version == "" {
		return ""
	}
	// The go command that lists, as PATH finds it (not PATH itself: a wrapper may prepend its own).
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return ""
	}
	env := []string{"go " + goCmd + " " + fmt.Sprint(stampOf(goCmd))}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if (strings.HasPrefix(name, "GO") || strings.HasPrefix(name, "CGO_")) && !notListed[name] {
			env = append(env, kv)
		}
	}
	for name, value := range req.Env {
		if !notListed[name] {
			env = append(env, "request "+name+"="+value)
		}
	}
	sort.Strings(env)
	h := sha256.New()
	fmt.Fprintf(h, "listing 1\x00%s\x00%s\x00%s\x00%q\x00%q\x00", version, req.Dir, req.Tags, req.Patterns, env)
	return hex.EncodeToString(h.Sum(nil))
}

// listingStamps: the stamps a listing taken at `started` is valid under (workFile: the
// workspace file, or "" or "off"; goEnvFile: the go command's settings file, or ""); false when
// it is not to be kept (a load error, or a file changed too recently).
func listingStamps(packages []*listedPackage, moduleCache, workFile, goEnvFile string, started time.Time) ([]stamp, bool) {
	paths := map[string]bool{}
	if workFile != "" && workFile != "off" {
		paths[workFile], paths[workFile+".sum"] = true, true
	}
	if goEnvFile != "" {
		paths[goEnvFile] = true
	}
	for _, p := range packages {
		if p.Error != nil || len(p.DepsErrors) > 0 {
			return nil, false
		}
		if p.Standard || p.Dir == "" || (moduleCache != "" && strings.HasPrefix(p.Dir, moduleCache+string(filepath.Separator))) {
			continue
		}
		if p.Module != nil && p.Module.GoMod != "" {
			root := filepath.Dir(p.Module.GoMod)
			for _, name := range []string{"go.mod", "go.sum", filepath.Join("vendor", "modules.txt")} {
				paths[filepath.Join(root, name)] = true
			}
		}
		if paths[p.Dir] {
			continue
		}
		paths[p.Dir] = true
		entries, err := os.ReadDir(p.Dir)
		if err != nil {
			return nil, false
		}
		for _, e := range entries {
			// A subdirectory's own entries are not this package's (its mtime changes with them).
			if !e.IsDir() {
				paths[filepath.Join(p.Dir, e.Name())] = true
			}
		}
	}
	stamps := make([]stamp, 0, len(paths))
	for path := range paths {
		st := stampOf(path)
		if !st.Missing && started.Sub(time.Unix(0, st.ModTime)) < racyMargin {
			return nil, false
		}
		stamps = append(stamps, st)
	}
	sort.Slice(stamps, func(i, j int) bool { return stamps[i].Path < stamps[j].Path })
	return stamps, true
}

func stampOf(path string) stamp {
	info, err := os.Stat(path)
	if err != nil {
		return stamp{Path: path, Missing: true}
	}
	return stamp{Path: path, Size: info.Size(), ModTime: info.ModTime().UnixNano()}
}

// unchanged: every path is as its stamp says.
func unchanged(stamps []stamp) bool {
	for _, st := range stamps {
		if stampOf(st.Path) != st {
			return false
		}
	}
	return len(stamps) > 0
}
