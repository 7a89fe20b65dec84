package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ovsync/ovsync/graph"
	"github.com/ovsync/ovsync/internal/plural"
	"github.com/ovsync/ovsync/lint"
)

// graphCommand is "ovsync graph".
func graphCommand() *cli.Command {
	return &cli.Command{
		Name:      "graph",
		Usage:     "draw the teams as a Graphviz or Mermaid graph that shows what is wrong",
		ArgsUsage: "[PATH]",
		Description: `Draws one node per team (name, id, member count, managers) and an edge
from each team to each of its sub-teams. What lint finds wrong with the
structure is drawn, not refused: the edges of a sub-team cycle in red, a
team missing from groups.csv as a red dashed node, a team without a manager
dashed, an empty team dotted, a manager who cannot see a team of their
hierarchy in orange on the team they manage. A legend explains the marks.

PATH is a config.json or its folder, as for lint; --users, --groups and
--mapping read files without a config. svg and png run Graphviz's dot,
which must be installed. Mermaid output renders in GitHub Markdown.

Exit status: 0 the graph is written; 1 it is written but lint found errors
(printed on stderr); 2 the run failed (usage, unknown --root, unreadable
file, dot missing for svg or png).

Examples:
   ovsync graph testdata/sample > org.dot
   ovsync graph testdata/sample --format svg -o org.svg
   ovsync graph testdata/sample --root T-CS-ALL --members --format svg -o cs.svg
   ovsync graph . --root T-ENG-ALL --depth 2 --direction LR --format mermaid`,
		Flags: append(orgFileFlags(func(f string) string { return f + " to read (no config)" }),
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "dot", Usage: "output format: " + strings.Join(graph.Formats(), ", ")},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the graph to `FILE` (atomically) instead of stdout", TakesFile: true},
			&cli.StringFlag{Name: "root", Usage: "draw only the team `TEAM-ID` and the teams inside it"},
			&cli.IntFlag{Name: "depth", Usage: "draw at most `N` levels of sub-teams below the root (0: all)"},
			&cli.BoolFlag{Name: "members", Usage: "draw the users of each team too, managers marked"},
			&cli.StringFlag{Name: "direction", Value: "TB", Usage: "layout direction: TB (top to bottom) or LR (left to right)"},
		),
		Action: runGraph,
	}
}

// runGraph is the action of "ovsync graph".
func runGraph(c *cli.Context) error {
	var lopt lint.Options
	var err error
	if lopt.Path, lopt.Users, lopt.Groups, lopt.Mapping, err = orgArgs(c); err != nil {
		return exitWith(exitUsage, err)
	}
	gopt := graph.Options{
		Format:    graph.Format(strings.ToLower(c.String("format"))),
		Root:      c.String("root"),
		Depth:     c.Int("depth"),
		Members:   c.Bool("members"),
		Direction: strings.ToUpper(c.String("direction")),
	}
	if err := gopt.Validate(); err != nil {
		if errors.Is(err, graph.ErrNoDot) {
			err = fmt.Errorf("%w\nhint: install Graphviz (apt-get install graphviz, brew install graphviz or winget install graphviz), or write --format dot and render it elsewhere", graph.ErrNoDot)
		}
		return exitWith(exitUsage, err)
	}
	lopt.Keys = redactorOf(c)
	rep, err := lint.Run(lopt)
	if err != nil {
		return exitWith(exitUsage, err)
	}
	if err := rep.KeyError(); err != nil {
		// The org holds the key: no drawing of it.
		return lintStop(c, rep, err)
	}
	g, err := graph.New(rep.Org, gopt)
	if err != nil {
		var re *graph.UnknownRootError
		if errors.As(err, &re) {
			err = fmt.Errorf("--root: %w", err)
		}
		return exitWith(exitUsage, err)
	}
	warnLarge(c.App.ErrWriter, g, gopt)
	// dot (svg, png) stops on Ctrl-C, and after graph.DotTimeout.
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt)
	defer stop()
	write := func(w io.Writer) error { return g.WriteContext(ctx, w) }
	if out := c.String("output"); out != "" && out != "-" {
		err = writeData(c, out, write)
	} else {
		err = write(c.App.Writer)
	}
	if err != nil {
		return exitWith(exitUsage, err)
	}
	if rep.Summary.Errors > 0 {
		if err := lint.Print(c.App.ErrWriter, "text", rep, lint.PrintOptions{MaxPerRule: 50}); err != nil {
			return exitWith(exitUsage, err)
		}
		return exitWith(exitFindings, nil)
	}
	if n := rep.Summary.Warnings + rep.Summary.Infos; n > 0 {
		notef(c.App.ErrWriter, "lint found %s and %s, marked in the graph where they concern its structure; \"ovsync lint\" lists them",
			plural.Count(rep.Summary.Warnings, "warning", "warnings"), plural.Count(rep.Summary.Infos, "info", "infos"))
	}
	return nil
}

// warnLarge warns on w when the graph is too large to render well.
func warnLarge(w io.Writer, g *graph.Graph, opt graph.Options) {
	if g.Large() {
		hint := "draw one part with --root TEAM-ID and --depth N"
		if opt.Root != "" {
			hint = "draw fewer levels with --depth N, or a smaller part with --root"
		}
		warnf(w, hint, "the graph has %d teams and %d nodes in all: rendering it will be slow and the picture hard to read",
			g.Teams(), g.Nodes())
	}
	if opt.Format == graph.Mermaid && g.Edges() > graph.MermaidMaxEdges {
		warnf(w, "use --format svg, or draw a part with --root and --depth",
			"the graph has %d edges: GitHub and mermaid.live refuse to render more than %d", g.Edges(), graph.MermaidMaxEdges)
	}
}
