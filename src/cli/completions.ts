/**
 * Shell completion scripts for bash, zsh, fish and PowerShell, made from the
 * command definitions (command_specs.ts) that also make the parser and
 * `--help`: every command, flag, flag value and argument word is listed once.
 */
import type { CommandSpec, FlagDef, PositionalDef } from "./command_spec.ts";

/** A shell tunedl writes a completion script for. */
export type CompletionShell = "bash" | "zsh" | "fish" | "powershell";

/** The completion script for a shell, from the given command definitions. */
export function completionScript(shell: CompletionShell, specs: readonly CommandSpec[]): string {
  switch (shell) {
    case "bash":
      return bashScript(specs);
    case "zsh":
      return zshScript(specs);
    case "fish":
      return fishScript(specs);
    case "powershell":
      return powershellScript(specs);
  }
}

const TOP_LEVEL_FLAGS = ["--help", "--version"];

function flagWords(flag: FlagDef): string[] {
  return flag.short ? [`--${flag.name}`, `-${flag.short}`] : [`--${flag.name}`];
}

function valueFlags(spec: CommandSpec): FlagDef[] {
  return spec.flags.filter((flag) => flag.value !== undefined);
}

/** One line, no quotes or shell-special characters that need care: for descriptions. */
function oneLine(text: string): string {
  return text.split("\n")[0].replace(/\s+/g, " ").trim();
}

/** Single-quoted for POSIX shells and fish ('it'\''s'). */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The positional that applies at an index, given the positional words before it. */
function positionalsByIndex(spec: CommandSpec): { index: number; def: PositionalDef }[] {
  return spec.positionals.map((def, index) => ({ index, def }))
    .filter(({ def }) => def.choices && def.choices.length > 0);
}

// --- bash -------------------------------------------------------------------------------------

function bashScript(specs: readonly CommandSpec[]): string {
  const names = specs.map((spec) => spec.name);
  const cases = specs.map((spec) => {
    const valueCases = valueFlags(spec).map((flag) => {
      const pattern = flagWords(flag).join("|");
      const action = flag.complete === "file"
        ? `compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur"))`
        : flag.complete === "folder"
        ? `compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur"))`
        : flag.choices
        ? `COMPREPLY=($(compgen -W ${shellQuote(flag.choices.join(" "))} -- "$cur"))`
        : ":";
      return `                ${pattern}) ${action}; return 0 ;;`;
    });
    const takesValue = `|${valueFlags(spec).flatMap(flagWords).join("|")}|`;
    const positionalCases = positionalsByIndex(spec).map(({ index, def }) => {
      const words = shellQuote(def.choices!.join(" "));
      const reply = `COMPREPLY=($(compgen -W ${words} -- "$cur"))`;
      const guarded = def.after
        ? `[[ "\${args[${index - 1}]}" == ${shellQuote(def.after)} ]] && ${reply}`
        : reply;
      return `                ${def.repeat ? "*" : index}) ${guarded} ;;`;
    });
    const flags = shellQuote(spec.flags.flatMap(flagWords).join(" "));
    return [
      `        ${spec.name})`,
      ...(valueCases.length > 0
        ? ['            case "$prev" in', ...valueCases, "            esac"]
        : []),
      `            if [[ "$cur" == -* ]]; then`,
      `                COMPREPLY=($(compgen -W ${flags} -- "$cur"))`,
      "                return 0",
      "            fi",
      `            _tunedl_args ${shellQuote(takesValue)}`,
      ...(positionalCases.length > 0
        ? ['            case "${#args[@]}" in', ...positionalCases, "            esac"]
        : []),
      "            ;;",
    ].join("\n");
  });
  return `# bash completion for tunedl (made by \`tunedl completions bash\`; do not edit)
# Install: tunedl completions bash > ~/.local/share/bash-completion/completions/tunedl

# The positional words before the cursor (flags and their values left out) -> args.
_tunedl_args() {
    local takes_value="$1" i word skip=0
    args=()
    for ((i = 2; i < COMP_CWORD; i++)); do
        word="\${COMP_WORDS[i]}"
        if ((skip)); then skip=0; continue; fi
        if [[ "$word" == -* ]]; then
            [[ "$word" != *=* && "$takes_value" == *"|$word|"* ]] && skip=1
            continue
        fi
        args+=("$word")
    done
}

_tunedl() {
    local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
    local -a args
    COMPREPLY=()
    if ((COMP_CWORD == 1)); then
        COMPREPLY=($(compgen -W ${shellQuote([...names, ...TOP_LEVEL_FLAGS].join(" "))} -- "$cur"))
        return 0
    fi
    case "\${COMP_WORDS[1]}" in
${cases.join("\n")}
    esac
    return 0
}

complete -F _tunedl tunedl
`;
}

// --- zsh --------------------------------------------------------------------------------------

/** Text inside an _arguments `[description]`, inside single quotes. */
function zshDescription(text: string): string {
  return oneLine(text).replaceAll("'", "'\\''").replaceAll("[", "(").replaceAll("]", ")")
    .replaceAll(":", "\\:");
}

function zshFlag(flag: FlagDef): string {
  const description = zshDescription(flag.description);
  const value = flag.value === undefined
    ? ""
    : flag.complete === "file"
    ? ":file:_files"
    : flag.complete === "folder"
    ? ":folder:_files -/"
    : flag.choices
    ? `:${flag.name}:(${flag.choices.join(" ")})`
    : `:${flag.value.toLowerCase().replace(/[^a-z]/g, "") || "value"}:`;
  if (!flag.short) return `'--${flag.name}[${description}]${value}'`;
  return `'(-${flag.short} --${flag.name})'{-${flag.short},--${flag.name}}'[${description}]${value}'`;
}

function zshPositional(index: number, def: PositionalDef): string {
  const label = def.name.replace(/[<>.]/g, "") || "argument";
  const choices = def.choices ? `(${def.choices.join(" ")})` : "";
  if (def.repeat) return `'*:${label}:${choices || " "}'`;
  if (def.after && def.choices) {
    // Only after its word (`cache clear <part>`): ${words[(I)clear]} is 0 when clear is absent.
    return `'${index + 1}:${label}:{(( \${words[(I)${def.after}]} )) && compadd ${
      def.choices.join(" ")
    }}'`;
  }
  return `'${index + 1}:${label}:${choices || " "}'`;
}

function zshScript(specs: readonly CommandSpec[]): string {
  const commands = specs.map((spec) =>
    `    ${shellQuote(`${spec.name}:${oneLine(spec.summary).replaceAll("'", "")}`)}`
  );
  const cases = specs.map((spec) => {
    const lines = [
      ...spec.flags.map(zshFlag),
      ...spec.positionals.map((def, index) => zshPositional(index, def)),
    ];
    return [
      `    ${spec.name})`,
      `      _arguments -s -S \\`,
      ...lines.map((line, i) => `        ${line}${i < lines.length - 1 ? " \\" : ""}`),
      "      ;;",
    ].join("\n");
  });
  return `#compdef tunedl
# zsh completion for tunedl (made by \`tunedl completions zsh\`; do not edit)
# Install: tunedl completions zsh > "\${fpath[1]}/_tunedl"  (then start a new shell)

_tunedl() {
  local -a commands
  commands=(
${commands.join("\n")}
  )
  if (( CURRENT == 2 )); then
    _describe -t commands 'tunedl command' commands
    return
  fi
  local cmd="\${words[2]}"
  shift words
  (( CURRENT-- ))
  case "$cmd" in
${cases.join("\n")}
  esac
}

if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _tunedl "$@"
else
  compdef _tunedl tunedl
fi
`;
}

// --- fish -------------------------------------------------------------------------------------

function fishScript(specs: readonly CommandSpec[]): string {
  const lines = [
    "# fish completion for tunedl (made by `tunedl completions fish`; do not edit)",
    "# Install: tunedl completions fish > ~/.config/fish/completions/tunedl.fish",
    "complete -c tunedl -f",
    `complete -c tunedl -n '__fish_use_subcommand' -l help -d 'show help'`,
    `complete -c tunedl -n '__fish_use_subcommand' -l version -d 'show the version'`,
  ];
  for (const spec of specs) {
    lines.push(
      `complete -c tunedl -n '__fish_use_subcommand' -a ${spec.name} -d ${
        shellQuote(oneLine(spec.summary))
      }`,
    );
  }
  for (const spec of specs) {
    const when = `__fish_seen_subcommand_from ${spec.name}`;
    for (const flag of spec.flags) {
      const parts = [`complete -c tunedl -n ${shellQuote(when)}`];
      if (flag.short) parts.push(`-s ${flag.short}`);
      parts.push(`-l ${flag.name}`);
      if (flag.value !== undefined) {
        if (flag.complete === "file") parts.push("-r -F");
        else if (flag.complete === "folder") parts.push("-x -a '(__fish_complete_directories)'");
        else if (flag.choices) parts.push(`-x -a ${shellQuote(flag.choices.join(" "))}`);
        else parts.push("-x");
      }
      parts.push(`-d ${shellQuote(oneLine(flag.description))}`);
      lines.push(parts.join(" "));
    }
    for (const { def } of positionalsByIndex(spec)) {
      const own = def.choices!.join(" ");
      const condition = def.after
        ? `${when}; and __fish_seen_subcommand_from ${def.after}`
        : def.repeat
        ? when
        : `${when}; and not __fish_seen_subcommand_from ${own}`;
      const guard = def.after
        ? `${condition}; and not __fish_seen_subcommand_from ${own}`
        : condition;
      // One line per word, so each shows its own description where the help has one.
      for (const word of def.choices!) {
        const text = def.choiceHelp?.[word] ?? def.description ?? def.name;
        lines.push(
          `complete -c tunedl -n ${shellQuote(guard)} -a ${shellQuote(word)} -d ${
            shellQuote(oneLine(text || def.name))
          }`,
        );
      }
    }
  }
  return `${lines.join("\n")}\n`;
}

// --- PowerShell -------------------------------------------------------------------------------

/** A PowerShell single-quoted string ('it''s'). */
function psQuote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function psArray(values: readonly string[]): string {
  return `@(${values.map(psQuote).join(", ")})`;
}

function powershellScript(specs: readonly CommandSpec[]): string {
  const commands = specs.map((spec) =>
    `        ${psQuote(spec.name)} = ${psQuote(oneLine(spec.summary))}`
  );
  const flags = specs.map((spec) =>
    `        ${psQuote(spec.name)} = ${psArray(spec.flags.flatMap(flagWords))}`
  );
  const values: string[] = [];
  const takesValue: string[] = [];
  for (const spec of specs) {
    const flagsWithValues = valueFlags(spec);
    takesValue.push(
      `        ${psQuote(spec.name)} = ${psArray(flagsWithValues.flatMap(flagWords))}`,
    );
    for (const flag of flagsWithValues) {
      for (const word of flagWords(flag)) {
        const completion = flag.complete === "file"
          ? psQuote("<file>")
          : flag.complete === "folder"
          ? psQuote("<folder>")
          : psArray(flag.choices ?? []);
        values.push(`        ${psQuote(`${spec.name} ${word}`)} = ${completion}`);
      }
    }
  }
  const positionals: string[] = [];
  for (const spec of specs) {
    const rows = positionalsByIndex(spec).map(({ index, def }) =>
      `@{ Index = ${index}; Repeat = $${def.repeat ? "true" : "false"}; After = ${
        psQuote(def.after ?? "")
      }; Choices = ${psArray(def.choices!)} }`
    );
    positionals.push(`        ${psQuote(spec.name)} = @(${rows.join(", ")})`);
  }
  return `# PowerShell completion for tunedl (made by \`tunedl completions powershell\`; do not edit)
# Install: tunedl completions powershell >> $PROFILE  (or save it and dot-source it from $PROFILE)

Register-ArgumentCompleter -Native -CommandName tunedl, tunedl.exe -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $commands = [ordered]@{
${commands.join("\n")}
    }
    $flags = @{
${flags.join("\n")}
    }
    $takesValue = @{
${takesValue.join("\n")}
    }
    $values = @{
${values.join("\n")}
    }
    $positionals = @{
${positionals.join("\n")}
    }
    $before = @($commandAst.CommandElements |
        Where-Object { $_.Extent.EndOffset -lt $cursorPosition } |
        ForEach-Object { $_.ToString() })
    $candidates = @()
    if ($before.Count -le 1) {
        $candidates = @($commands.Keys) + @('--help', '--version')
    } else {
        $command = $before[1]
        $previous = $before[-1]
        $key = "$command $previous"
        if ($values.ContainsKey($key)) {
            $value = $values[$key]
            if ($value -eq '<file>' -or $value -eq '<folder>') { return }
            $candidates = $value
        } elseif ($wordToComplete -like '-*') {
            $candidates = $flags[$command]
        } elseif ($positionals.ContainsKey($command)) {
            $words = @()
            $skip = $false
            foreach ($word in $before[2..($before.Count)]) {
                if ($null -eq $word) { continue }
                if ($skip) { $skip = $false; continue }
                if ($word -like '-*') {
                    if ($takesValue[$command] -contains $word) { $skip = $true }
                    continue
                }
                $words += $word
            }
            foreach ($positional in $positionals[$command]) {
                $fits = $positional.Repeat -and $words.Count -ge $positional.Index
                $fits = $fits -or $words.Count -eq $positional.Index
                if ($fits -and $positional.After -ne '') {
                    $fits = $words.Count -gt 0 -and $words[$positional.Index - 1] -eq $positional.After
                }
                if ($fits) { $candidates = $positional.Choices }
            }
        }
    }
    $candidates | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }
}
`;
}
