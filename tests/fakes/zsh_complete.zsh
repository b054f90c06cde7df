# Completes one command line in an interactive zsh (in a zpty) and prints each candidate on its own
# line: ZT_DIR (scratch folder), ZT_SCRIPT (the completion script), ZT_LINE (the line, cursor at
# its end). Used by tests/cli/completions_test.ts; waits for marker lines, not for time.
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PROMPT=; RPROMPT=; unsetopt zle 2>/dev/null; setopt zle"
zpty -w z "autoload -U compinit && compinit -u -d $ZT_DIR/zcompdump"
zpty -w z "source $ZT_SCRIPT"
zpty -w z "zstyle ':completion:*' list-grouped false; zstyle ':completion:*' insert-tab false"
zpty -w z 'compadd () { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi; typeset -a __hits; builtin compadd -A __hits "$@"; local h; for h in $__hits; do print -r -- "<<$h>>"; done; }'
# TAB completes, then prints an end mark: the test reads until it instead of racing zle's typeahead.
zpty -w z 'zt-tab () { zle complete-word; print -r -- "<<END""-MARK>>"; }; zle -N zt-tab; bindkey "^I" zt-tab'
zpty -w z "print -- READY-MARK"
local line
while zpty -r z line; do [[ $line == *READY-MARK* && $line != *print* ]] && break; done
zpty -w -n z "$ZT_LINE"$'\t'
while zpty -r z line; do
  [[ $line == *'<<END-MARK>>'* ]] && break
  [[ $line == *'<<'*'>>'* ]] && print -r -- ${${line#*<<}%%>>*}
done
zpty -w -n z $'\x15'
zpty -d z
