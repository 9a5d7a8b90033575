package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/constant"
	"go/scanner"
	"go/token"
	"go/types"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// The facts: what go/types knows of the places goprod's codemods ask about, for every file
// of the packages in patterns, so that the codemods (which read syntax) need not guess. Each
// fact is a span of the file (byte offsets) with flags and, for some, a name. A fact is
// recorded only where a flag holds, but at every such place of these roles, so that a
// missing fact is an answer too (none of the flags holds):
//
//   - the operands of == and !=, the tag and case values of an expression switch;
//   - the operand and the asserted type of a type assertion, the case types of a type switch;
//   - the arguments of fmt.Errorf, and the receiver x of an argument x.Error();
//   - calls x.Close() without arguments (what Close returns);
//   - calls through a selector whose last result is the error type (with the callee's name);
//   - qualified identifiers of string constants (with the value);
//   - calls used as statements (or in go statements) whose last result is the error type, with
//     the callee's name as errcheck names it (`fmt.Fprintf(*bytes.Buffer)` for fmt's Fprint
//     functions, by their writer's type) and the types of its results;
//   - the results of functions whose last result is the error type, with each result's zero
//     value (`0`, `""`, `false`, `nil`, `{}` for a composite literal of the type as written,
//     `*new` for `*new(T)`).
//
// Flags, as src/go/facts.ts reads them:
const (
	factError       = 1 << iota // the type implements error
	factInterface               // an interface type
	factErrorType               // the error type itself
	factType                    // the expression denotes a type, not a value
	factNil                     // the untyped nil
	factNoResult                // a call without results
	factErrorResult             // a call with one result, which implements error
	factLastError               // a call whose last result is the error type; the name is the callee's
	factReader                  // a call of Read (ReadAt) with the signature of io.Reader's (io.ReaderAt's)
	factConstant                // a string constant; the name is its value
	factDropped                 // a call statement whose last result is the error type; the name is the callee's, the list its result types
	factZeros                   // the results of a function whose last result is the error type; the list is their zero values
	factOwn                     // with factDropped: the callee is declared in the package checked (for an x_test package, in x)
)

// fact: [start, end, flags], [start, end, flags, name] or [start, end, flags, name, list] in JSON.
type fact struct {
	start, end, flags int
	name              string
	named             bool
	list              []string
}

func (f fact) MarshalJSON() ([]byte, error) {
	if !f.named && f.list == nil {
		return []byte(fmt.Sprintf("[%d,%d,%d]", f.start, f.end, f.flags)), nil
	}
	name, err := json.Marshal(f.name)
	if err != nil || f.list == nil {
		return []byte(fmt.Sprintf("[%d,%d,%d,%s]", f.start, f.end, f.flags, name)), err
	}
	list, err := json.Marshal(f.list)
	return []byte(fmt.Sprintf("[%d,%d,%d,%s,%s]", f.start, f.end, f.flags, name, list)), err
}

// typedFile is one file of a package checked in full: its facts, or why there are none.
type typedFile struct {
	Path string `json:"path"`
	// Untyped: the package does not type-check under this configuration, so its answers do not hold.
	Untyped string `json:"untyped,omitempty"`
	Facts   []fact `json:"facts"`
}

// factsReport is the document `facts` prints.
type factsReport struct {
	Fatal    string            `json:"fatal,omitempty"`
	Packages []listed          `json:"packages"`
	Files    []json.RawMessage `json:"files"` // typedFile, as computed or kept (see memo.go)
	Failures []string          `json:"failures"`
}

// facts lists and type-checks the packages as check does, and answers the facts of every
// file of the packages in patterns (test files included). With a cache, a package whose facts
// a run before kept is not checked (nor are the dependencies only such packages need).
func facts(s *session, req request) (*factsReport, error) {
	l, fatal, err := load(s, req)
	if err != nil || fatal != "" {
		return &factsReport{Fatal: fatal, Packages: []listed{}, Files: []json.RawMessage{}, Failures: []string{}}, err
	}
	r := &report{Packages: l.listed, Diagnostics: []diagnostic{}, Failures: []string{}}
	var mu sync.Mutex
	found := map[*unit][]typedFile{}
	c := newChecker(s, req, l, r, func(u *unit, files []*ast.File, info *types.Info, c *checker) {
		var typed []typedFile
		for _, f := range files {
			typed = append(typed, typedFile{Path: c.fset.File(f.Pos()).Name(), Facts: fileFacts(c.fset.File(f.Pos()), f, info, u.pkg)})
		}
		mu.Lock()
		found[u] = typed
		mu.Unlock()
	})
	c.selections = true
	if req.Files != nil {
		c.bodies = map[string]bool{}
		for _, path := range req.Files {
			c.bodies[path] = true
		}
	}
	var m *memo
	if req.Cache != "" {
		m = newMemo(s, req, l, c)
	}
	known := knownFacts(l, m, c)
	if order := neededUnits(l.order, c); len(order) > 0 {
		if req.Export {
			if err := readExports(l, order, req, c.exports); err != nil {
				return nil, err
			}
		}
		c.run(order)
	}

	out := &factsReport{Packages: l.listed, Files: []json.RawMessage{}, Failures: r.Failures}
	for _, u := range l.order {
		typed, ok := known[u]
		if !ok && u.full {
			typed = answered(u, found[u], c)
			if m != nil && len(r.Failures) == 0 {
				m.keepFacts(u, typed)
			}
		}
		out.Files = append(out.Files, typed...)
	}
	return out, nil
}

// knownFacts: the facts of the units to check in full that need no check: those whose
// package go list could not load (its complaint says why they have none) and those the memo
// keeps, if any. These units are no longer checked in full (but as dependencies, if needed).
func knownFacts(l *loaded, m *memo, c *checker) map[*unit][]json.RawMessage {
	known := map[*unit][]json.RawMessage{}
	for _, u := range l.order {
		var typed []json.RawMessage
		ok := false
		switch {
		case !u.full:
		case u.p.Error != nil:
			typed, ok = answered(u, nil, c), true
		case m != nil:
			typed, ok = m.facts(u)
		}
		if ok {
			known[u] = typed
			u.full = false
		}
	}
	return known
}

// neededUnits: the units checked in full and what they import, in order.
func neededUnits(order []*unit, c *checker) []*unit {
	needed := map[*unit]bool{}
	for i := len(order) - 1; i >= 0; i-- { // an importer comes after what it imports
		if u := order[i]; u.full || needed[u] {
			needed[u] = true
			for _, dep := range c.imports(u) {
				if dep != nil {
					needed[dep] = true
				}
			}
		}
	}
	var out []*unit
	for _, u := range order {
		if needed[u] {
			out = append(out, u)
		}
	}
	return out
}

// answered: the facts of a unit checked in full, for the files whose bodies were checked; for
// every such file, why there are none when the package does not type-check.
func answered(u *unit, found []typedFile, c *checker) []json.RawMessage {
	var typed []typedFile
	for _, t := range found {
		if c.bodies == nil || c.bodies[t.Path] {
			typed = append(typed, t)
		}
	}
	if why := untyped(u, c.fset); why != "" {
		// Every file of the package: also those that did not parse (found holds none then).
		typed = nil
		for _, name := range unitFiles(u.p) {
			if path := pathIn(u.p.Dir, name); c.bodies == nil || c.bodies[path] {
				typed = append(typed, typedFile{Path: path, Untyped: why, Facts: []fact{}})
			}
		}
	}
	out := make([]json.RawMessage, 0, len(typed))
	for _, t := range typed {
		data, err := json.Marshal(t)
		if err != nil {
			panic(err) // facts are numbers and strings
		}
		out = append(out, data)
	}
	return out
}

// untyped: why the type checker's answers do not hold for a package checked in full (empty
// when they do): go list's complaint, or its first error.
func untyped(u *unit, fset *token.FileSet) string {
	if e := u.p.Error; e != nil {
		return e.Err
	}
	if u.failed == nil {
		return ""
	}
	var typeErr types.Error
	var list scanner.ErrorList
	switch {
	case errors.As(u.failed, &typeErr):
		return fmt.Sprintf("%s: %s", fset.Position(typeErr.Pos), typeErr.Msg)
	case errors.As(u.failed, &list) && len(list) > 0:
		return list[0].Error()
	}
	return u.failed.Error()
}

var universeError = types.Universe.Lookup("error").Type()

// fileFacts walks one file for the roles above.
func fileFacts(tf *token.File, f *ast.File, info *types.Info, pkg *types.Package) []fact {
	type span struct{ start, end token.Pos }
	at := map[span]*fact{}
	var list []string
	record := func(e ast.Node, flags int, name string, named bool) {
		if flags == 0 {
			return
		}
		k := span{e.Pos(), e.End()}
		if known := at[k]; known != nil {
			// A dropped call's name (errcheck's, with fmt.Fprint's writer) stays that.
			if named && (known.flags&factDropped == 0 || flags&factDropped != 0) {
				known.name, known.named = name, true
			}
			known.flags |= flags
			if list != nil {
				known.list = list
			}
			return
		}
		at[k] = &fact{start: tf.Offset(k.start), end: tf.Offset(k.end), flags: flags, name: name, named: named, list: list}
	}
	// with records a fact with a list.
	with := func(l []string, e ast.Node, flags int, name string) {
		list = l
		record(e, flags, name, true)
		list = nil
	}
	value := func(e ast.Expr) { record(e, typeFlags(info, e), "", false) }
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BinaryExpr:
			if n.Op == token.EQL || n.Op == token.NEQ {
				value(n.X)
				value(n.Y)
			}
		case *ast.SwitchStmt:
			if n.Tag != nil {
				value(n.Tag)
				caseValues(n.Body, value)
			}
		case *ast.TypeAssertExpr:
			value(n.X)
			if n.Type != nil {
				value(n.Type)
			}
		case *ast.TypeSwitchStmt:
			caseValues(n.Body, value)
		case *ast.CallExpr:
			callFacts(info, n, value, record)
		case *ast.ExprStmt:
			droppedFacts(info, pkg, n.X, with)
		case *ast.GoStmt:
			droppedFacts(info, pkg, n.Call, with)
		case *ast.FuncDecl:
			zeroFacts(info, n.Type, with)
		case *ast.FuncLit:
			zeroFacts(info, n.Type, with)
		case *ast.SelectorExpr:
			if v := qualifiedString(info, n); v != nil {
				record(n, factConstant, constant.StringVal(v), true)
			}
		}
		return true
	})
	out := make([]fact, 0, len(at))
	for _, f := range at {
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].start != out[j].start {
			return out[i].start < out[j].start
		}
		return out[i].end < out[j].end
	})
	return out
}

func caseValues(body *ast.BlockStmt, value func(ast.Expr)) {
	for _, s := range body.List {
		if clause, ok := s.(*ast.CaseClause); ok {
			for _, e := range clause.List {
				value(e)
			}
		}
	}
}

// typeFlags: what the type of an expression (or the type it denotes) is, as flags.
func typeFlags(info *types.Info, e ast.Expr) int {
	tv, ok := info.Types[e]
	if !ok || tv.Type == nil || tv.Type == types.Typ[types.Invalid] {
		return 0
	}
	if tv.IsNil() {
		return factNil
	}
	flags := 0
	if tv.IsType() {
		flags |= factType
	}
	flags |= errorFlags(tv.Type)
	return flags
}

func errorFlags(t types.Type) int {
	flags := 0
	if types.Implements(t, errorType) {
		flags |= factError
	}
	if _, param := t.(*types.TypeParam); types.IsInterface(t) && !param {
		flags |= factInterface
	}
	if types.Identical(t, universeError) {
		flags |= factErrorType
	}
	return flags
}

func callFacts(info *types.Info, call *ast.CallExpr, value func(ast.Expr), record func(ast.Node, int, string, bool)) {
	tv := info.Types[call.Fun]
	if tv.IsType() || tv.Type == nil {
		return // a conversion
	}
	sig, ok := tv.Type.Underlying().(*types.Signature)
	if !ok {
		return
	}
	sel, _ := unparen(call.Fun).(*ast.SelectorExpr)
	results := sig.Results()
	if sel != nil && sel.Sel.Name == "Close" && len(call.Args) == 0 {
		switch {
		case results.Len() == 0:
			record(call, factNoResult, "", false)
		case results.Len() == 1 && types.Implements(results.At(0).Type(), errorType):
			record(call, factErrorResult, "", false)
		}
	}
	if sel != nil {
		if fn, ok := info.Uses[sel.Sel].(*types.Func); ok && fn.Pkg() != nil && fn.Pkg().Path() == "fmt" && fn.Name() == "Errorf" {
			for _, arg := range call.Args {
				value(arg)
				if x := errorMethodReceiver(arg); x != nil {
					value(x)
				}
			}
		}
	}
	if sel != nil && results.Len() > 0 && types.Identical(results.At(results.Len()-1).Type(), universeError) {
		flags := factLastError
		if isReaderMethod(info, sel) {
			flags |= factReader
		}
		if name := calleeName(info, sel); name != "" {
			record(call, flags, name, true)
		}
	}
}

// droppedFacts: for a call whose results are dropped (a statement) and whose last result is
// the error type, the callee's name as errcheck names it and the types of its results.
func droppedFacts(info *types.Info, pkg *types.Package, e ast.Expr, with func([]string, ast.Node, int, string)) {
	call, ok := unparen(e).(*ast.CallExpr)
	if !ok {
		return
	}
	tv := info.Types[call.Fun]
	if tv.IsType() || tv.Type == nil {
		return
	}
	sig, ok := tv.Type.Underlying().(*types.Signature)
	if !ok || sig.Results().Len() == 0 || !types.Identical(sig.Results().At(sig.Results().Len()-1).Type(), universeError) {
		return
	}
	results := make([]string, sig.Results().Len())
	for i := range results {
		results[i] = types.TypeString(sig.Results().At(i).Type(), nil)
	}
	name := ""
	var callee types.Object
	switch fun := unparen(call.Fun).(type) {
	case *ast.SelectorExpr:
		name = calleeName(info, fun)
		callee = info.Uses[fun.Sel]
	case *ast.Ident:
		callee = info.Uses[fun]
		if fn, ok := callee.(*types.Func); ok && fn.Pkg() != nil {
			name = fn.Pkg().Path() + "." + fn.Name()
		}
	}
	flags := factDropped
	if callee != nil && callee.Pkg() != nil && pkg != nil && (callee.Pkg().Path() == pkg.Path() || callee.Pkg().Path()+"_test" == pkg.Path()) {
		flags |= factOwn
	}
	if strings.HasPrefix(name, "fmt.Fprint") && len(call.Args) > 0 {
		if t := info.TypeOf(call.Args[0]); t != nil {
			name += "(" + types.TypeString(t, nil) + ")"
		}
	}
	with(results, call, flags, name)
}

// zeroFacts: for a function whose last result is the error type, the zero value of each
// result as Go code writes it (`{}` and `*new` need the type as written).
func zeroFacts(info *types.Info, ft *ast.FuncType, with func([]string, ast.Node, int, string)) {
	if ft.Results == nil || len(ft.Results.List) == 0 {
		return
	}
	var zeros []string
	for _, field := range ft.Results.List {
		t := info.TypeOf(field.Type)
		if t == nil {
			return
		}
		n := len(field.Names)
		if n == 0 {
			n = 1
		}
		for i := 0; i < n; i++ {
			zeros = append(zeros, zeroOf(t))
		}
	}
	last := info.TypeOf(ft.Results.List[len(ft.Results.List)-1].Type)
	if !types.Identical(last, universeError) {
		return
	}
	with(zeros, ft.Results, factZeros, "")
}

// zeroOf: how Go code writes the zero value of t: `{}` after the type for a struct or array,
// `*new` around it for a type parameter.
func zeroOf(t types.Type) string {
	if _, ok := t.(*types.TypeParam); ok {
		return "*new"
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsBoolean != 0:
			return "false"
		case u.Info()&types.IsString != 0:
			return `""`
		case u.Info()&types.IsNumeric != 0:
			return "0"
		}
		return "nil"
	case *types.Struct, *types.Array:
		return "{}"
	}
	return "nil"
}

// errorMethodReceiver: x of a call x.Error() without arguments.
func errorMethodReceiver(e ast.Expr) ast.Expr {
	call, ok := unparen(e).(*ast.CallExpr)
	if !ok || len(call.Args) != 0 {
		return nil
	}
	if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Error" {
		return sel.X
	}
	return nil
}

// calleeName names a function as errorlint's allow-list does: `(*bufio.Reader).ReadString`
// for a method (by the receiver expression's type), `io.ReadFull` for a package's function.
func calleeName(info *types.Info, sel *ast.SelectorExpr) string {
	if s, ok := info.Selections[sel]; ok {
		return fmt.Sprintf("(%s).%s", s.Recv(), s.Obj().Name())
	}
	if o := info.Uses[sel.Sel]; o != nil && o.Pkg() != nil {
		return o.Pkg().Path() + "." + o.Name()
	}
	return ""
}

var (
	byteSlice = types.NewSlice(types.Typ[types.Byte])
	intType   = types.Typ[types.Int]
)

// isReaderMethod: a method Read(p []byte) (int, error), or ReadAt(p []byte, off int64) (int, error),
// which io.Reader's (io.ReaderAt's) contract binds to return io.EOF itself.
func isReaderMethod(info *types.Info, sel *ast.SelectorExpr) bool {
	s, ok := info.Selections[sel]
	if !ok || s.Kind() != types.MethodVal {
		return false
	}
	sig := s.Obj().Type().(*types.Signature)
	params, results := sig.Params(), sig.Results()
	if results.Len() != 2 || !types.Identical(results.At(0).Type(), intType) || !types.Identical(results.At(1).Type(), universeError) {
		return false
	}
	switch s.Obj().Name() {
	case "Read":
		return params.Len() == 1 && types.Identical(params.At(0).Type(), byteSlice)
	case "ReadAt":
		return params.Len() == 2 && types.Identical(params.At(0).Type(), byteSlice) &&
			types.Identical(params.At(1).Type(), types.Typ[types.Int64])
	}
	return false
}

// qualifiedString: the value of pkg.Name when it is a string constant of another package.
func qualifiedString(info *types.Info, sel *ast.SelectorExpr) constant.Value {
	x, ok := sel.X.(*ast.Ident)
	if !ok {
		return nil
	}
	if _, ok := info.Uses[x].(*types.PkgName); !ok {
		return nil
	}
	c, ok := info.Uses[sel.Sel].(*types.Const)
	if !ok || c.Val().Kind() != constant.String {
		return nil
	}
	return c.Val()
}

func pathIn(dir, name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(dir, name)
}

// unparen is ast.Unparen, which Go 1.21 (the helper's minimum) lacks.
func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}
