package main

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// The checks of `go vet` that goprod's fixes could fail while still compiling: printf's
// operand count and %w operands (wrap-errors turns %v into %w), and errorsas' target
// (errors-as writes errors.As calls). Messages are worded as vet words them.

type finding struct {
	pos     token.Pos
	message string
}

var errorType = types.Universe.Lookup("error").Type().Underlying().(*types.Interface)

// printfFormat: fmt's printf-like functions, by the index of their format argument.
var printfFormat = map[string]int{"Errorf": 0, "Printf": 0, "Sprintf": 0, "Fprintf": 1, "Appendf": 1}

func vetFile(f *ast.File, info *types.Info) []finding {
	var found []finding
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		fn, ok := info.Uses[sel.Sel].(*types.Func)
		if !ok || fn.Pkg() == nil {
			return true
		}
		switch {
		case fn.Pkg().Path() == "fmt" && fn.Type().(*types.Signature).Recv() == nil:
			if at, ok := printfFormat[fn.Name()]; ok {
				found = append(found, checkPrintf(call, "fmt."+fn.Name(), at, info)...)
			}
		case fn.Pkg().Path() == "errors" && fn.Name() == "As" && len(call.Args) == 2:
			if message := errorsAsTarget(info.Types[call.Args[1]].Type); message != "" {
				found = append(found, finding{call.Pos(), message})
			}
		}
		return true
	})
	return found
}

func errorsAsTarget(t types.Type) string {
	const must = "second argument to errors.As must be a non-nil pointer to either a type that implements error, or to any interface type"
	if t == nil {
		return ""
	}
	pt, ok := t.Underlying().(*types.Pointer)
	if !ok {
		return must
	}
	if types.Identical(pt.Elem(), errorType) || types.Identical(pt.Elem(), types.Universe.Lookup("error").Type()) {
		return "second argument to errors.As should not be *error"
	}
	if types.IsInterface(pt.Elem()) || types.Implements(pt.Elem(), errorType) {
		return ""
	}
	return must
}

func count(n int) string {
	if n == 1 {
		return "1 arg"
	}
	return fmt.Sprintf("%d args", n)
}

func checkPrintf(call *ast.CallExpr, name string, formatAt int, info *types.Info) []finding {
	if len(call.Args) <= formatAt {
		return nil
	}
	tv := info.Types[call.Args[formatAt]]
	if tv.Value == nil || tv.Value.Kind() != constant.String {
		return nil
	}
	format := constant.StringVal(tv.Value)
	args := call.Args[formatAt+1:]
	spread := call.Ellipsis.IsValid()
	var found []finding
	report := func(pos token.Pos, message string) { found = append(found, finding{pos, message}) }
	// Where vet puts a directive's finding: at the directive, in a literal format (a line a
	// fix of it wrote); offsets in an escaped literal may be off by a few columns, not lines.
	directiveAt := func(offset int) token.Pos {
		if lit, ok := call.Args[formatAt].(*ast.BasicLit); ok {
			return lit.Pos() + token.Pos(1+offset)
		}
		return call.Pos()
	}

	if !strings.Contains(format, "%") {
		if len(args) > 0 && !spread {
			report(args[0].Pos(), name+" call has arguments but no formatting directives")
		}
		return found
	}
	next, used, indexed := 0, 0, false
	// operand notes that a directive reads argument n (0-based): false if there is none.
	operand := func(start int, directive string, n int) bool {
		if n+1 > used {
			used = n + 1
		}
		if n >= len(args) && !spread {
			report(directiveAt(start), fmt.Sprintf("%s format %s reads arg #%d, but call has %s", name, directive, n+1, count(len(args))))
			return false
		}
		return !spread
	}
	for i := 0; i < len(format); {
		if format[i] != '%' {
			i++
			continue
		}
		start := i
		i++
		for i < len(format) && strings.IndexByte("+-# 0", format[i]) >= 0 {
			i++
		}
		// [n] sets the operand of what follows.
		index := func() bool {
			if i >= len(format) || format[i] != '[' {
				return true
			}
			end := strings.IndexByte(format[i:], ']')
			if end < 0 {
				return false
			}
			n, err := strconv.Atoi(format[i+1 : i+end])
			if err != nil || n < 1 {
				return false
			}
			indexed = true
			next = n - 1
			i += end + 1
			return true
		}
		// A width or precision of '*' reads an operand too.
		number := func(directive string) bool {
			if !index() {
				return false
			}
			if i < len(format) && format[i] == '*' {
				i++
				operand(start, directive, next)
				next++
				return true
			}
			for i < len(format) && format[i] >= '0' && format[i] <= '9' {
				i++
			}
			return true
		}
		if !number(format[start:i]) {
			continue
		}
		if i < len(format) && format[i] == '.' {
			i++
			if !number(format[start:i]) {
				continue
			}
		}
		if !index() || i >= len(format) {
			continue
		}
		verb := format[i]
		i++
		directive := format[start:i]
		if verb == '%' {
			continue
		}
		if verb == 'w' && name != "fmt.Errorf" {
			report(directiveAt(start), fmt.Sprintf("%s does not support error-wrapping directive %%w", name))
		}
		if operand(start, directive, next) && verb == 'w' {
			arg := args[next]
			if t := info.Types[arg].Type; t != nil && !types.Implements(t, errorType) {
				report(directiveAt(start), fmt.Sprintf("%s format %s has arg %s of wrong type %s", name, directive, types.ExprString(arg), t))
			}
		}
		next++
	}
	if !indexed && !spread && used < len(args) {
		report(call.Pos(), fmt.Sprintf("%s call needs %s but has %s", name, count(used), count(len(args))))
	}
	return found
}
