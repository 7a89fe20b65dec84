package lint

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/ovsync/ovsync/schemas"
)

// fieldCheck is one constraint of a schema on one column, compiled.
type fieldCheck struct {
	rule   string            // the x-ovsync-rule of the constraint
	column string            // the property (column) it constrains
	valid  func(string) bool // reports whether a value satisfies it
}

// compiledSchema is a row schema turned into per-column checks.
//
// Validating every row through a generic JSON Schema validator costs
// microseconds a row, most of it building the row object and walking the
// schema. A row schema of this project is a set of constraints on single
// string properties, so each constraint is compiled once into a direct
// Go check: minLength and maxLength count runes, a pattern becomes a
// deterministic automaton ([dfa]) that agrees with the Go regexp engine
// the validator uses, enum and const become a set. A
// constraint that uses any other keyword is handed to the validator,
// which then judges each distinct value once (see [memoCheck]). A test
// checks that the compiled checks and the validator agree.
type compiledSchema struct {
	required []string                // properties that must be present
	checks   map[string][]fieldCheck // by column name
}

// ruleKeyword names the rule that reports a constraint.
const ruleKeyword = "x-ovsync-rule"

// annotationKeywords carry no constraint.
var annotationKeywords = map[string]bool{
	ruleKeyword: true, "description": true, "title": true, "$comment": true,
	"examples": true, "default": true, "deprecated": true, "readOnly": true, "writeOnly": true,
}

var (
	builtinOnce sync.Once
	builtin     map[string]*compiledSchema
	builtinErr  error
)

// builtinSchema returns the compiled embedded schema of kind.
func builtinSchema(kind string) (*compiledSchema, error) {
	builtinOnce.Do(func() {
		builtin = map[string]*compiledSchema{}
		for _, name := range schemas.Names {
			raw, err := schemas.Get(name)
			if err == nil {
				builtin[name], err = compileRowSchema(schemas.URL(name), raw)
			}
			if err != nil {
				builtinErr = fmt.Errorf("embedded schema %s: %w", name, err)
				return
			}
		}
	})
	return builtin[kind], builtinErr
}

// compileRowSchema validates raw as a JSON Schema and compiles what it
// says of each property into checks.
func compileRowSchema(url string, raw []byte) (*compiledSchema, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	if err := c.AddResource(url, bytes.NewReader(raw)); err != nil {
		return nil, err
	}
	if _, err := c.Compile(url); err != nil {
		return nil, err
	}
	var doc struct {
		Required   []string                   `json:"required"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	cs := &compiledSchema{required: doc.Required, checks: map[string][]fieldCheck{}}
	names := make([]string, 0, len(doc.Properties))
	for name := range doc.Properties {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		var prop map[string]json.RawMessage
		if err := json.Unmarshal(doc.Properties[name], &prop); err != nil {
			return nil, fmt.Errorf("property %q: %w", name, err)
		}
		if err := cs.addProperty(name, prop); err != nil {
			return nil, fmt.Errorf("property %q: %w", name, err)
		}
	}
	return cs, nil
}

// addProperty compiles a property schema: its own constraints form one
// check, and each allOf entry another, each under its x-ovsync-rule.
func (cs *compiledSchema) addProperty(column string, prop map[string]json.RawMessage) error {
	parts := []map[string]json.RawMessage{prop}
	if raw, ok := prop["allOf"]; ok {
		var subs []map[string]json.RawMessage
		if err := json.Unmarshal(raw, &subs); err != nil {
			return err
		}
		parts = append(parts, subs...)
	}
	for i, part := range parts {
		constraints := map[string]json.RawMessage{}
		for k, v := range part {
			if annotationKeywords[k] || i == 0 && k == "allOf" {
				continue
			}
			constraints[k] = v
		}
		if len(constraints) == 0 || len(constraints) == 1 && string(constraints["type"]) == `"string"` {
			continue
		}
		var rule string
		if raw, ok := part[ruleKeyword]; ok {
			if err := json.Unmarshal(raw, &rule); err != nil {
				return fmt.Errorf("%s must be a string", ruleKeyword)
			}
		}
		if _, ok := LookupRule(rule); !ok {
			return fmt.Errorf("constraint without a known %s (got %q)", ruleKeyword, rule)
		}
		valid, err := compileConstraints(constraints)
		if err != nil {
			return err
		}
		cs.checks[column] = append(cs.checks[column], fieldCheck{rule: rule, column: column, valid: valid})
	}
	return nil
}

// compileConstraints turns the keywords of one constraint into a direct
// check, or into a memoised call to the validator when it uses keywords
// this compiler does not know.
func compileConstraints(kw map[string]json.RawMessage) (func(string) bool, error) {
	var tests []func(string) bool
	for k, raw := range kw {
		switch k {
		case "type":
			var t string
			if json.Unmarshal(raw, &t) != nil || t != "string" {
				return validatorCheck(kw)
			}
		case "minLength", "maxLength":
			var n int
			if err := json.Unmarshal(raw, &n); err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			if k == "minLength" {
				tests = append(tests, func(s string) bool { return utf8.RuneCountInString(s) >= n })
			} else {
				tests = append(tests, func(s string) bool { return utf8.RuneCountInString(s) <= n })
			}
		case "pattern":
			var p string
			if err := json.Unmarshal(raw, &p); err != nil {
				return nil, fmt.Errorf("pattern: %w", err)
			}
			re, err := regexp.Compile(p)
			if err != nil {
				return nil, fmt.Errorf("pattern %q: %w", p, err)
			}
			if d := compileDFA(p); d != nil {
				tests = append(tests, d.MatchString)
			} else {
				tests = append(tests, re.MatchString)
			}
		case "enum", "const":
			var vals []any
			if k == "const" {
				vals = []any{nil}
				if err := json.Unmarshal(raw, &vals[0]); err != nil {
					return nil, err
				}
			} else if err := json.Unmarshal(raw, &vals); err != nil {
				return nil, fmt.Errorf("enum: %w", err)
			}
			set := map[string]bool{}
			for _, v := range vals {
				if s, ok := v.(string); ok {
					set[s] = true
				}
			}
			tests = append(tests, func(s string) bool { return set[s] })
		default:
			return validatorCheck(kw)
		}
	}
	return func(s string) bool {
		for _, t := range tests {
			if !t(s) {
				return false
			}
		}
		return true
	}, nil
}

// validatorCheck compiles the keywords as a schema of their own for the
// validator, and remembers its verdict for each distinct value.
func validatorCheck(kw map[string]json.RawMessage) (func(string) bool, error) {
	doc := map[string]json.RawMessage{"$schema": json.RawMessage(`"https://json-schema.org/draft/2020-12/schema"`)}
	for k, v := range kw {
		doc[k] = v
	}
	raw, _ := json.Marshal(doc)
	s, err := jsonschema.CompileString("constraint.json", string(raw))
	if err != nil {
		return nil, err
	}
	return memoCheck(func(v string) bool { return s.Validate(v) == nil }), nil
}

// memoCheck remembers a check's verdict per distinct value, up to a bound
// so that a column of unique values cannot grow the cache without limit.
func memoCheck(check func(string) bool) func(string) bool {
	const maxEntries = 1 << 16
	var mu sync.Mutex
	seen := map[string]bool{}
	return func(v string) bool {
		mu.Lock()
		ok, hit := seen[v]
		mu.Unlock()
		if hit {
			return ok
		}
		ok = check(v)
		mu.Lock()
		if len(seen) < maxEntries {
			seen[strings.Clone(v)] = ok
		}
		mu.Unlock()
		return ok
	}
}
