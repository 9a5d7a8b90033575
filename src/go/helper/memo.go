package main

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

// memo keeps what the helper found from one run to the next, in goprod's result cache (the
// format of src/engine/cache.ts: a file named by its key's hex digits, the first two a
// directory, holding the payload's length and CRC-32 and then the payload; goprod's trim
// removes what is unused): the facts of each package checked in full, and each check of a
// configuration's packages. A run over packages a run before checked lists them and reads
// what was found instead of type-checking them: a dry run and then --write, or a run again
// after a change in one package, checks what changed only.
//
// A package's key is everything its facts are a function of: the helper (its executable's
// name says its source and Go version), the word size, the package's import path, directory,
// module (its Go version, whether it is a main module) and files, each by its content (as the
// overlay has it), the files whose bodies are checked, and the keys of what its imports
// resolve to. The files of the standard library and of the module cache are known by their
// size and modification time: the first change only with the Go version, the second never
// (the go command makes them read-only). A check's key is that of every package it lists.
type memo struct {
	dir     string
	version string
	keys    map[*unit]string // "" for a package whose facts are not kept (a file unreadable, go list's complaint)
}

// newMemo computes the keys of the units (their files' digests at once, on every CPU); nil
// when the helper cannot tell which executable it is.
func newMemo(s *session, req request, l *loaded, c *checker) *memo {
	version := helperVersion()
	if version == "" {
		return nil
	}
	m := &memo{dir: req.Cache, version: version, keys: map[*unit]string{}}
	digests := make([]string, len(l.order))
	moduleCache := s.moduleCache(req)
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				digests[i] = s.filesDigest(l.order[i], c.overlay, moduleCache)
			}
		}()
	}
	for i := range l.order {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, u := range l.order {
		m.keys[u] = m.key(u, digests[i], c)
	}
	return m
}

func (m *memo) key(u *unit, files string, c *checker) string {
	if files == "" || u.p.Error != nil {
		return ""
	}
	h := sha256.New()
	module := "" // its Go version, and whether it is a main module (whose errors are reported)
	if u.p.Module != nil {
		module = fmt.Sprintf("%s %t", u.p.Module.GoVersion, u.p.Module.Main)
	}
	fmt.Fprintf(h, "package 1\x00%s\x00%s\x00%s\x00%s\x00%s\x00%d\x00%s\x00", m.version, c.goarch, u.p.ImportPath, u.p.Dir, module,
		len(u.p.CgoFiles), files)
	for _, dep := range c.imports(u) {
		if dep == nil || m.keys[dep] == "" {
			return ""
		}
		fmt.Fprintf(h, "import %s %s\x00", dep.p.ImportPath, m.keys[dep])
	}
	if u.full {
		bodies := []string{}
		for _, name := range unitFiles(u.p) {
			if path := pathIn(u.p.Dir, name); c.bodies == nil || c.bodies[path] {
				bodies = append(bodies, path)
			}
		}
		sort.Strings(bodies)
		fmt.Fprintf(h, "bodies %q\x00", bodies)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// facts answers the facts kept for a unit, if they are there whole.
func (m *memo) facts(u *unit) ([]json.RawMessage, bool) {
	var typed []json.RawMessage
	return typed, m.get(m.keys[u], &typed)
}

// keepFacts keeps a unit's facts.
func (m *memo) keepFacts(u *unit, typed []json.RawMessage) {
	m.put(m.keys[u], typed)
}

// checkKey: the key of a check of all the units, or "" when one has none (or there is no memo).
func (m *memo) checkKey(order []*unit) string {
	if m == nil {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "check 1\x00")
	for _, u := range order {
		if m.keys[u] == "" {
			return ""
		}
		fmt.Fprintf(h, "%s\x00", m.keys[u])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// get reads what is kept under the key into v, if it is there whole.
func (m *memo) get(key string, v any) bool {
	path := m.path(key)
	if path == "" {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return false
	}
	data, err := io.ReadAll(f)
	if err != nil || len(data) < checkBytes {
		return false
	}
	payload := data[checkBytes:]
	if binary.BigEndian.Uint32(data) != uint32(len(payload)) || binary.BigEndian.Uint32(data[4:]) != crc32.ChecksumIEEE(payload) ||
		json.Unmarshal(payload, v) != nil {
		return false
	}
	// Marked used (goprod's trim keeps it) at most once an hour, as goprod marks its own.
	if now := time.Now(); now.Sub(info.ModTime()) > time.Hour {
		_ = os.Chtimes(path, now, now)
	}
	return true
}

// put keeps v under the key, written to a temporary file renamed into place; a cache that
// cannot be written only costs time.
func (m *memo) put(key string, v any) {
	path := m.path(key)
	if path == "" {
		return
	}
	payload, err := json.Marshal(v)
	if err != nil {
		return
	}
	entry := make([]byte, checkBytes, checkBytes+len(payload))
	binary.BigEndian.PutUint32(entry, uint32(len(payload)))
	binary.BigEndian.PutUint32(entry[4:], crc32.ChecksumIEEE(payload))
	if os.MkdirAll(filepath.Dir(path), 0o777) != nil {
		return
	}
	temporary := fmt.Sprintf("%s.%d.%d.tmp", path, os.Getpid(), time.Now().UnixNano())
	if os.WriteFile(temporary, append(entry, payload...), 0o666) != nil || os.Rename(temporary, path) != nil {
		os.Remove(temporary)
	}
}

// checkBytes: an entry starts with its payload's length and CRC-32 (IEEE), 4 bytes each, big-endian.
const checkBytes = 8

func (m *memo) path(key string) string {
	if m == nil || key == "" {
		return ""
	}
	return filepath.Join(m.dir, key[:2], key[2:])
}

// filesDigest: a unit's files by name and content (the overlay's where it replaces one), or ""
// when one cannot be read.
func (s *session) filesDigest(u *unit, overlay map[string]string, moduleCache string) string {
	h := sha256.New()
	for _, name := range unitFiles(u.p) {
		path := pathIn(u.p.Dir, name)
		read, replaced := overlay[path]
		if !replaced {
			read = path
		}
		inModuleCache := moduleCache != "" && strings.HasPrefix(path, moduleCache+string(filepath.Separator))
		sum := s.fileDigest(read, !replaced && (u.p.Standard || inModuleCache))
		if sum == "" {
			return ""
		}
		fmt.Fprintf(h, "file %s %s\x00", path, sum)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// fileDigest: the SHA-256 of a file's content, or for a file that does not change its size and
// modification time; "" when it cannot be read. A file is read once in a session unless its
// size or modification time changes.
func (s *session) fileDigest(path string, unchanging bool) string {
	info, err := os.Stat(path)
	if path == "" || err != nil {
		return ""
	}
	stamp := fmt.Sprintf("%d %d", info.Size(), info.ModTime().UnixNano())
	if unchanging {
		return stamp
	}
	s.mu.Lock()
	known, ok := s.digests[path]
	s.mu.Unlock()
	if ok && known.stamp == stamp {
		return known.sum
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	sum := hex.EncodeToString(h.Sum(nil))
	s.mu.Lock()
	s.digests[path] = digest{stamp, sum}
	s.mu.Unlock()
	return sum
}

// digest: a file's content digest, as of its size and modification time.
type digest struct{ stamp, sum string }

// helperVersion: the helper's executable's name, which says its source and Go version; "" when
// it cannot tell which executable it is.
func helperVersion() string {
	executable, err := os.Executable()
	if err != nil {
		return ""
	}
	return filepath.Base(executable)
}

// moduleCache: the go command's module cache (GOMODCACHE), asked once; "" if it cannot say.
func (s *session) moduleCache(req request) string {
	s.askGoEnv(req)
	return s.modcache
}

// goEnvFile: the go command's settings file (GOENV: what go env -w wrote), asked once with
// GOMODCACHE; "" if it cannot say or there is none.
func (s *session) goEnvFile(req request) string {
	s.askGoEnv(req)
	return s.goenv
}

func (s *session) askGoEnv(req request) {
	s.goEnv.Do(func() {
		out, err := goCommand(request{Dir: req.Dir, Env: req.Env}, "env", "GOMODCACHE", "GOENV").Output()
		if lines := strings.Split(strings.TrimSpace(string(out)), "\n"); err == nil && len(lines) == 2 {
			s.modcache = filepath.Clean(strings.TrimSpace(lines[0]))
			if goenv := strings.TrimSpace(lines[1]); goenv != "" && goenv != "off" {
				s.goenv = goenv
			}
		}
	})
}
