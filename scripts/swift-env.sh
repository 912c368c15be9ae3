#!/usr/bin/env bash
# Swift toolchain for otpcore's Swift binding tests.
#
# The host is Debian 12, whose archive has no Swift. Debian 13 (trixie) ships
# `swiftlang` (Swift 6.0.3), so we keep a trixie chroot with it in a fixed
# cache directory and run `swift` commands inside it, with the repository
# bind-mounted at a fixed path.
#
# Usage (CLI):
#   scripts/swift-env.sh ensure          # build the cached chroot once (slow first time)
#   scripts/swift-env.sh run <cmd...>    # run <cmd> in the chroot, in the repo
#   scripts/swift-env.sh path            # print the chroot directory
#
# Usage (library):
#   source scripts/swift-env.sh
#   swift_env_ensure
#   swift_run <repo-dir> <cmd...>
#
# `run` starts in the same sub-directory of the repository as the caller's
# working directory (or the repository root when the caller is outside it).
#
# Environment:
#   OTPCORE_SWIFT_ROOT     chroot directory (default /var/cache/otpcore/swift-trixie)
#   OTPCORE_DEBIAN_MIRROR  Debian mirror URI; default: the host's apt sources
#
# Needs root (debootstrap, chroot, mount).

# Not `set -e` here: this file may be sourced. Functions check their own errors.

SWIFT_ENV_SELF="$(readlink -f "${BASH_SOURCE[0]}")"
SWIFT_ENV_ROOT="${OTPCORE_SWIFT_ROOT:-/var/cache/otpcore/swift-trixie}"
# Where the repository appears inside the chroot.
SWIFT_ENV_REPO_MOUNT=/work/otpcore
# Written last, after every step succeeded: a chroot without it is never used.
SWIFT_ENV_STAMP_NAME=.otpcore-swift-ready
# Bump when the package list or the build steps change, to force a rebuild.
SWIFT_ENV_STAMP_VERSION=1
SWIFT_ENV_SUITE=trixie
SWIFT_ENV_PACKAGES=(swiftlang libc6-dev libstdc++-14-dev)

swift_env_log() { printf 'swift-env: %s\n' "$*" >&2; }

# The mirror of the host's main (non-security) Debian entry, read at run time
# so no host name is written into the project.
swift_env_mirror() {
    if [[ -n "${OTPCORE_DEBIAN_MIRROR:-}" ]]; then
        printf '%s\n' "$OTPCORE_DEBIAN_MIRROR"
        return 0
    fi
    local uri=""
    if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
        # deb822: stanzas separated by blank lines; take the first URI of the
        # first stanza whose Suites do not mention "security".
        uri="$(awk '
            function flush() {
                if (uris != "" && suites !~ /security/ && found == "") found = uris
                uris = ""; suites = ""
            }
            /^[[:space:]]*$/ { flush(); next }
            /^[[:space:]]*#/ { next }
            tolower($1) == "uris:"   { uris = $2 }
            tolower($1) == "suites:" { $1 = ""; suites = $0 }
            END { flush(); print found }
        ' /etc/apt/sources.list.d/debian.sources)"
    fi
    if [[ -z "$uri" && -r /etc/apt/sources.list ]]; then
        # One-line format: deb [options] URI suite components...
        uri="$(awk '
            $1 == "deb" && $0 !~ /security/ {
                for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { print $i; exit }
            }' /etc/apt/sources.list)"
    fi
    if [[ -z "$uri" ]]; then
        swift_env_log "cannot find a Debian mirror in the apt sources; set OTPCORE_DEBIAN_MIRROR"
        return 1
    fi
    printf '%s\n' "$uri"
}

swift_env_ready() {
    [[ -f "$SWIFT_ENV_ROOT/$SWIFT_ENV_STAMP_NAME" ]] &&
        [[ "$(cat "$SWIFT_ENV_ROOT/$SWIFT_ENV_STAMP_NAME")" == "$SWIFT_ENV_STAMP_VERSION" ]]
}

# Mount points at or below $1, deepest first (from the kernel's table, in this
# mount namespace).
swift_env_mounts_under() {
    local dir
    dir="$(readlink -f "$1")" || return 0
    awk -v d="$dir" '{ gsub(/\\040/, " ", $5); if ($5 == d || index($5, d "/") == 1) print $5 }' \
        /proc/self/mountinfo | sort -r
}

# Remove a directory tree that may be a half-made chroot. Anything still
# mounted inside it (debootstrap mounts /proc and /sys; a killed `run` may
# leave the repository bind-mounted) is unmounted first, and we refuse to
# delete if that fails: `rm -rf` through a bind mount would delete the repo.
swift_env_remove_tree() {
    local dir="$1" m
    [[ -e "$dir" ]] || return 0
    while read -r m; do
        [[ -n "$m" ]] || continue
        umount "$m" 2>/dev/null || umount -l "$m" || true
    done < <(swift_env_mounts_under "$dir")
    if [[ -n "$(swift_env_mounts_under "$dir")" ]]; then
        swift_env_log "refusing to delete $dir: something is still mounted inside it"
        return 1
    fi
    rm -rf --one-file-system -- "$dir"
}

# Build the chroot once. Safe to call concurrently (a lock serialises
# builders) and after an interrupted build (the temporary tree is discarded).
swift_env_ensure() {
    if swift_env_ready; then
        return 0
    fi
    if [[ $EUID -ne 0 ]]; then
        swift_env_log "must run as root (debootstrap/chroot)"
        return 1
    fi
    local parent
    parent="$(dirname "$SWIFT_ENV_ROOT")"
    mkdir -p "$parent" || return 1
    (
        set -euo pipefail
        exec 9>"$SWIFT_ENV_ROOT.lock"
        flock 9
        # Someone else may have finished while we waited for the lock.
        if swift_env_ready; then exit 0; fi

        if ! command -v debootstrap >/dev/null 2>&1; then
            swift_env_log "installing debootstrap"
            DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap ||
                { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap; }
        fi

        local mirror tmp start
        mirror="$(swift_env_mirror)"
        start=$SECONDS
        # A stale cache (no stamp, or an older stamp version) and leftovers of
        # interrupted builds are discarded.
        swift_env_remove_tree "$SWIFT_ENV_ROOT"
        local old
        for old in "$SWIFT_ENV_ROOT".tmp.*; do
            [[ -e "$old" ]] && swift_env_remove_tree "$old"
        done
        tmp="$SWIFT_ENV_ROOT.tmp.$$"
        # If this subshell dies half-way, drop the partial tree. (A SIGKILL
        # skips this; the next run deletes leftover *.tmp.* trees.)
        trap 'swift_env_remove_tree "$tmp" || true' EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM

        swift_env_log "debootstrap $SWIFT_ENV_SUITE from $mirror into $tmp (takes a few minutes)"
        # In a private mount namespace: the /proc and /sys that debootstrap
        # mounts in the target vanish with it, even if it is killed.
        unshare --mount --propagation private \
            debootstrap --variant=minbase "$SWIFT_ENV_SUITE" "$tmp" "$mirror" >"$tmp.log" 2>&1 || {
            tail -n 30 "$tmp.log" >&2
            swift_env_log "debootstrap failed (full log: $tmp.log)"
            exit 1
        }
        cp /etc/resolv.conf "$tmp/etc/resolv.conf"
        # The host's network settings for apt (proxies, date checks of a
        # frozen mirror) apply to the chroot too; hooks that run host tools do not.
        local conf
        for conf in /etc/apt/apt.conf.d/*; do
            if [[ -f "$conf" ]] && grep -q 'Acquire::' "$conf" && ! grep -q 'Invoke' "$conf"; then
                cp "$conf" "$tmp/etc/apt/apt.conf.d/"
            fi
        done
        swift_env_log "installing ${SWIFT_ENV_PACKAGES[*]} in the chroot (~2.7 GB)"
        # shellcheck disable=SC2016 # the script's variables belong to the inner shell.
        unshare --mount --propagation private /bin/bash -c '
            set -euo pipefail
            root="$1"; shift
            mount -t proc proc "$root/proc"
            chroot "$root" /usr/bin/env -i \
                PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
                HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
                /bin/sh -c "apt-get update && apt-get install -y --no-install-recommends \"\$@\" && apt-get clean" \
                sh "$@"
            # Smoke test; needs /proc (see swift_env_in_namespace).
            chroot "$root" /usr/bin/swift --version >&2
        ' bash "$tmp" "${SWIFT_ENV_PACKAGES[@]}" >>"$tmp.log" 2>&1 || {
            tail -n 30 "$tmp.log" >&2
            swift_env_log "package install failed (full log: $tmp.log)"
            exit 1
        }
        mkdir -p "$tmp$SWIFT_ENV_REPO_MOUNT"
        rm -f "$tmp.log"
        echo "$SWIFT_ENV_STAMP_VERSION" >"$tmp/$SWIFT_ENV_STAMP_NAME"
        sync -f "$tmp/$SWIFT_ENV_STAMP_NAME" 2>/dev/null || true
        # Atomic: either the old (absent) path or the finished tree.
        mv -T "$tmp" "$SWIFT_ENV_ROOT"
        trap - EXIT
        swift_env_log "ready: $SWIFT_ENV_ROOT (built in $((SECONDS - start)) s)"
    )
}

# swift_run <repo-dir> <cmd...>
# Runs <cmd> inside the chroot with <repo-dir> bind-mounted at
# $SWIFT_ENV_REPO_MOUNT. The working directory is the caller's, translated,
# when it lies inside <repo-dir>; otherwise the repository root.
#
# Mounts are made in a private mount namespace (unshare), so they are
# invisible to other processes, parallel runs with different repositories do
# not collide, and the kernel drops them when the command ends even if this
# script is killed. The trap below unmounts explicitly as well.
swift_run() {
    if [[ $# -lt 2 ]]; then
        swift_env_log "usage: swift_run <repo-dir> <cmd...>"
        return 2
    fi
    local repo
    repo="$(readlink -f "$1")" || return 1
    shift
    if [[ ! -d "$repo" ]]; then
        swift_env_log "no such directory: $repo"
        return 1
    fi
    swift_env_ensure || return 1
    local inner="$SWIFT_ENV_REPO_MOUNT" here
    here="$(pwd -P)"
    if [[ "$here" == "$repo" ]]; then
        inner="$SWIFT_ENV_REPO_MOUNT"
    elif [[ "$here" == "$repo"/* ]]; then
        inner="$SWIFT_ENV_REPO_MOUNT/${here#"$repo"/}"
    fi
    unshare --mount --propagation private \
        /bin/bash "$SWIFT_ENV_SELF" __in-namespace "$repo" "$inner" "$@"
}

# Mounts made by swift_env_in_namespace, undone in reverse order on exit.
SWIFT_ENV_MOUNTED=()
swift_env_unmount_all() {
    local i
    for ((i = ${#SWIFT_ENV_MOUNTED[@]} - 1; i >= 0; i--)); do
        umount "${SWIFT_ENV_MOUNTED[i]}" 2>/dev/null ||
            umount -l "${SWIFT_ENV_MOUNTED[i]}" 2>/dev/null || true
    done
    SWIFT_ENV_MOUNTED=()
}

# Runs inside the private mount namespace made by swift_run.
swift_env_in_namespace() {
    local repo="$1" inner="$2"
    shift 2
    local root="$SWIFT_ENV_ROOT"
    trap swift_env_unmount_all EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    # /proc is required: the dynamic loader expands $ORIGIN in the RUNPATH of
    # swift/swiftc (where libswiftCore.so is found) by reading /proc/self/exe.
    # Without it: "libswiftCore.so: cannot open shared object file".
    # Mounted only if not already there (nested use).
    if ! mountpoint -q "$root/proc"; then
        mount -t proc proc "$root/proc" || return 1
        SWIFT_ENV_MOUNTED+=("$root/proc")
    fi
    mkdir -p "$root$SWIFT_ENV_REPO_MOUNT"
    if mountpoint -q "$root$SWIFT_ENV_REPO_MOUNT"; then
        # Nested call from a run that already mounted a repository here.
        if [[ "$(stat -c %d:%i "$root$SWIFT_ENV_REPO_MOUNT")" != "$(stat -c %d:%i "$repo")" ]]; then
            swift_env_log "$root$SWIFT_ENV_REPO_MOUNT already holds another directory"
            return 1
        fi
    else
        mount --bind "$repo" "$root$SWIFT_ENV_REPO_MOUNT" || return 1
        SWIFT_ENV_MOUNTED+=("$root$SWIFT_ENV_REPO_MOUNT")
    fi
    # Not `exec`: the trap must run after the command.
    # shellcheck disable=SC2016 # $1 and $@ belong to the inner shell.
    chroot "$root" /usr/bin/env -i \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" ${CI:+CI="$CI"} \
        /bin/sh -c 'cd "$1" && shift && exec "$@"' sh "$inner" "$@"
}

swift_env_main() {
    case "${1:-}" in
    ensure)
        swift_env_ensure
        ;;
    path)
        printf '%s\n' "$SWIFT_ENV_ROOT"
        ;;
    run)
        shift
        if [[ $# -eq 0 ]]; then
            swift_env_log "usage: $0 run <cmd...>"
            return 2
        fi
        local repo
        repo="$(cd "$(dirname "$SWIFT_ENV_SELF")/.." && pwd -P)"
        swift_run "$repo" "$@"
        ;;
    __in-namespace)
        shift
        swift_env_in_namespace "$@"
        ;;
    *)
        echo "usage: $0 ensure | run <cmd...> | path" >&2
        return 2
        ;;
    esac
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    swift_env_main "$@"
    exit $?
fi
