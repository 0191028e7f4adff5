# bash completion for rxsim(1)                                        -*- shell-script -*-
#
# Installed as share/bash-completion/completions/rxsim. Plain bash (no bash-completion helper
# functions), so it also works when sourced on its own. The scenario keys for --set come
# from the program itself (`rxsim help --keys`), so they follow the schema.
# tests/test_completion.c checks that every option of `rxsim help CMD` is offered here.

_rxsim_commands="replay check sweep trace advise gen scenario help"

_rxsim_options()
{
	case $1 in
	replay) echo "--format --set --report --report-interval --drops --tx --nflog --force -q --quiet
		--progress --engine --top-speed --host -o --output --all-counters --color" ;;
	check) echo "--set --host" ;;
	sweep) echo "--set --format --show -j --plan --merge --host --force" ;;
	trace) echo "--packet --filter --count --set --host" ;;
	advise) echo "--set -j --format --host" ;;
	gen) echo "-o --output --force --count --rate --size --flows --sources --seed --dst --src
		--dport --dst-mac --src-mac" ;;
	scenario) echo "--host -o --output --force" ;;
	esac
}

# Scenario keys as --set takes them: a list entry by index (nics.0.ring_size), or by the
# name already typed (nics.eth0.ring_size).
_rxsim_keys()
{
	local rx=$1 cur=$2 sel=0
	if [[ $cur =~ ^(nics|sockets|taps|traffic)\.([^.]+)\. ]]; then
		sel=${BASH_REMATCH[2]}
	fi
	"$rx" help --keys 2>/dev/null | sed -e "s/\[\]/.$sel/" -e 's/\[\]/.0/g' -e 's/$/=/'
}

_rxsim()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local rx=${COMP_WORDS[0]} cmd=${COMP_WORDS[1]} vals=
	COMPREPLY=()

	if ((COMP_CWORD == 1)); then
		COMPREPLY=($(compgen -W "$_rxsim_commands -h --help --version" -- "$cur"))
		return
	fi
	# --opt=value: bash splits it at '=' into "--opt" "=" "value".
	if [[ $prev == = ]] && ((COMP_CWORD > 2)); then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	elif [[ $cur == = ]]; then
		cur=
	fi
	case $cmd in
	help)
		((COMP_CWORD == 2)) && COMPREPLY=($(compgen -W "$_rxsim_commands" -- "$cur"))
		return ;;
	replay | check | sweep | trace | advise | gen | scenario) ;;
	*) return ;;
	esac

	case $prev in
	--format)
		case $cmd in
		replay) vals="text kernel json" ;;
		sweep) vals="text csv json" ;;
		advise) vals="text json" ;;
		esac
		COMPREPLY=($(compgen -W "$vals" -- "$cur"))
		return ;;
	--engine)
		COMPREPLY=($(compgen -W "virtual threaded" -- "$cur"))
		return ;;
	--color)
		# Only as --color=WHEN: a bare --color is "always", the next word the scenario.
		if [[ ${COMP_WORDS[COMP_CWORD - 1]} == = ]]; then
			COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
			return
		fi ;;
	--set)
		compopt -o nospace 2>/dev/null
		COMPREPLY=($(compgen -W "$(_rxsim_keys "$rx" "$cur")" -- "$cur"))
		return ;;
	--report | --drops | --tx | --nflog | -o | --output)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--plan | --merge)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	--report-interval | --packet | --filter | --count | -j | --show | --host | --rate | \
		--size | --flows | --sources | --seed | --dst | --src | --dport | --dst-mac | --src-mac)
		return ;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_rxsim_options "$cmd") -h --help" -- "$cur"))
	elif [[ $cmd == gen ]] && ((COMP_CWORD == 2)); then
		COMPREPLY=($(compgen -W "udp syn tcp mixed" -- "$cur"))
	else
		# A scenario or a capture.
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}

complete -F _rxsim rxsim
