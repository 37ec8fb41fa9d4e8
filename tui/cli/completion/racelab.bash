# SPDX-License-Identifier: MIT
#
# bash completion for racelab: commands, labs, variants, parameters,
# exercises and options. The candidates come from racelab itself
# (`racelab complete -- WORDS...`, generated from its registry), so this
# file never lists a lab. `make install` puts it in
# PREFIX/share/bash-completion/completions/racelab; to try it from a
# checkout: source tui/cli/completion/racelab.bash

_racelab() {
    local IFS=$'\n' prog=${COMP_WORDS[0]}
    local cur=${COMP_WORDS[COMP_CWORD]}

    # "./racelab" completes with itself; "racelab" with the one on PATH.
    COMPREPLY=($(command "$prog" complete -- "${COMP_WORDS[@]:0:COMP_CWORD}" \
        "$cur" 2>/dev/null))
    # KEY= (for --set) waits for its value: no space after it.
    if [ "${#COMPREPLY[@]}" -eq 1 ] && [ "${COMPREPLY[0]%=}" != "${COMPREPLY[0]}" ]; then
        compopt -o nospace 2>/dev/null
    fi
}

# -o default: no candidates (a --trace FILE, a submission) means file names.
complete -o default -F _racelab racelab ./racelab
