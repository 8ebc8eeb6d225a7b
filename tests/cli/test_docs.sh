#!/usr/bin/env bash
# Installed man pages render, completions load in real shells, and every
# command of `mlops help` has both.
. "$(dirname "$0")/lib.sh"

: "${MLOPS_BUILD_DIR:?}"
DEST="$T/dest"
DESTDIR="$DEST" run 0 cmake --install "$MLOPS_BUILD_DIR" --prefix /usr
check "binary installed" test -x "$DEST/usr/bin/mlops"

commands=$("$MLOPS" --help | awk '/^Subcommands:/{s=1;next} s&&NF{print $1}')
check "help lists commands" test -n "$commands"
for c in $commands; do
  page="$DEST/usr/share/man/man1/mlops-$c.1"
  check "man page for $c" test -f "$page"
  if command -v man >/dev/null; then
    run 0 man -l "$page"
    has_out "mlops-$c"
  fi
done
if command -v man >/dev/null; then
  run 0 man -l "$DEST/usr/share/man/man1/mlops.1"
  has_out "EXIT STATUS"
else
  echo "note: man not installed; rendering not checked"
fi

bash_file="$DEST/usr/share/bash-completion/completions/mlops"
run 0 bash -c "source '$bash_file' && complete -p mlops"
has_out "_mlops"
# Drive the completion function as bash would.
complete_words() {
  bash -c "source '$bash_file'; COMP_WORDS=($1); COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1)); _mlops; printf '%s\n' \"\${COMPREPLY[@]}\""
}
run 0 complete_words "mlops ''"
for c in $commands; do has_out "$c"; done
run 0 complete_words "mlops conf"
has_out "config"
run 0 complete_words "mlops config list --sh"
has_out "--show-origin"
run 0 complete_words "mlops -C /tmp config l"
has_out "list"

if command -v zsh >/dev/null; then
  run 0 zsh -n "$DEST/usr/share/zsh/vendor-completions/_mlops"
  run 0 zsh -c "autoload -U compinit && compinit -u -D && source '$DEST/usr/share/zsh/vendor-completions/_mlops' && whence -w _mlops"
  has_out "function"
else
  echo "note: zsh not installed; zsh completion not checked"
fi
if command -v fish >/dev/null; then
  run 0 fish -c "source '$DEST/usr/share/fish/vendor_completions.d/mlops.fish'; complete -C 'mlops con'"
  has_out "config"
else
  echo "note: fish not installed; fish completion not checked"
fi

finish
