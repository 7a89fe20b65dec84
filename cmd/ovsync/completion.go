package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"
)

// bashCompletion asks ovsync itself for the words that can follow, with
// urfave/cli's --generate-bash-completion. zsh runs it through
// bashcompinit.
const bashCompletion = `# ovsync completion for bash (and zsh with bashcompinit)
_ovsync_complete() {
  local cur="${COMP_WORDS[COMP_CWORD]}"
  local words=("${COMP_WORDS[@]:0:$COMP_CWORD}")
  local opts
  if [[ "$cur" == -* ]]; then
    opts=$("${words[@]}" "$cur" --generate-bash-completion 2>/dev/null)
  else
    opts=$("${words[@]}" --generate-bash-completion 2>/dev/null)
  fi
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o bashdefault -o default -F _ovsync_complete ovsync
`

// completionCommand is "ovsync completion".
func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script (bash, zsh or fish)",
		ArgsUsage: "bash|zsh|fish",
		Description: `Exit status: 0 printed; 2 usage (no shell, or an unknown one).

Examples:
   source <(ovsync completion bash)               in ~/.bashrc
   source <(ovsync completion zsh)                in ~/.zshrc
   ovsync completion fish > ~/.config/fish/completions/ovsync.fish`,
		Action: func(c *cli.Context) error {
			w := c.App.Writer
			switch c.Args().First() {
			case "bash":
				_, err := io.WriteString(w, bashCompletion)
				return err
			case "zsh":
				_, err := io.WriteString(w, "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n"+bashCompletion)
				return err
			case "fish":
				s, err := c.App.ToFishCompletion()
				if err != nil {
					return err
				}
				_, err = io.WriteString(w, s)
				return err
			}
			return exitWith(exitUsage, fmt.Errorf("completion takes one shell: bash, zsh or fish"))
		},
	}
}
