#!/usr/bin/env bash
# Prints the absolute path of a directory holding kube-apiserver (v1.37.2) and etcd (v3.6.16),
# the binaries the Kubernetes tests start (envtest style: an API server and etcd, no kubelet).
# Messages go to stderr; stdout is that one line, for KUBEBUILDER_ASSETS="$(scripts/envtest-assets.sh)".
#
# In order: $KUBEBUILDER_ASSETS when set; the cache dir when it already holds both binaries;
# the prebuilt .xz files in $SCRIBA_ENVTEST_SOURCE (default ../shared/envtest beside the
# repository), unpacked into the cache dir; else a build from the Go modules in scripts/envtest/.
#
#   SCRIBA_ENVTEST_DIR     the cache dir (default ${XDG_CACHE_HOME:-$HOME/.cache}/scriba/envtest/k8s-1.37.2-etcd-3.6.16)
#   SCRIBA_ENVTEST_SOURCE  a folder holding kube-apiserver-v1.37.2-linux-amd64.xz and etcd-v3.6.16-linux-amd64.xz
set -euo pipefail

K8S_VERSION=v1.37.2
ETCD_VERSION=v3.6.16
BINARIES=(kube-apiserver etcd)
# sha256 of the prebuilt, unpacked binaries (shared/envtest/README.md).
prebuilt_sha256() {
  case "$1" in
    kube-apiserver) echo 0a11d2fe10ad657d72d72be072688f0ce2fb8aca22db6dc138c9bd5a84aa2c36 ;;
    etcd) echo d98c61de1aa88e35e0638d488c5f208a53f90ca5aea41eeaf7a94f2427175807 ;;
  esac
}
archive_name() {
  case "$1" in
    kube-apiserver) echo "kube-apiserver-$K8S_VERSION-linux-amd64.xz" ;;
    etcd) echo "etcd-$ETCD_VERSION-linux-amd64.xz" ;;
  esac
}

here="$(cd "$(dirname "$0")" && pwd)"
log() { echo "envtest-assets: $*" >&2; }
die() {
  log "error: $*"
  exit 1
}

sha256() {
  if command -v sha256sum >/dev/null; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# (a) KUBEBUILDER_ASSETS, as controller-runtime's envtest reads it.
if [ -n "${KUBEBUILDER_ASSETS:-}" ]; then
  dir="$(cd "$KUBEBUILDER_ASSETS" 2>/dev/null && pwd)" || die "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS is not a directory"
  for name in "${BINARIES[@]}"; do
    [ -f "$dir/$name" ] && [ -x "$dir/$name" ] || die "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS has no executable $name (unset it to use the cache dir)"
  done
  echo "$dir"
  exit 0
fi

cache="${SCRIBA_ENVTEST_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/scriba/envtest/k8s-${K8S_VERSION#v}-etcd-${ETCD_VERSION#v}}"
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"
source_dir="${SCRIBA_ENVTEST_SOURCE:-$here/../../shared/envtest}"
[ ! -d "$source_dir" ] || source_dir="$(cd "$source_dir" && pwd)"

# A cached binary is good when its sha256 is the prebuilt one, or the one recorded in
# NAME.sha256 when it was built here (another Go or path may give other bytes).
cached_ok() {
  local name="$1" file="$cache/$1" sum
  [ -f "$file" ] && [ -x "$file" ] || return 1
  sum="$(sha256 "$file")"
  [ "$sum" = "$(prebuilt_sha256 "$name")" ] && return 0
  [ -f "$file.sha256" ] && [ "$sum" = "$(cat "$file.sha256")" ]
}

all_cached() {
  local name
  for name in "${BINARIES[@]}"; do cached_ok "$name" || return 1; done
}

# (b) the cache dir.
if all_cached; then
  echo "$cache"
  exit 0
fi

# One writer at a time; a second run waits, then finds the cache filled.
if command -v flock >/dev/null; then
  exec 9>"$cache/.lock"
  flock 9
fi

tmp_files=()
cleanup() { [ ${#tmp_files[@]} -eq 0 ] || rm -rf "${tmp_files[@]}"; }
trap cleanup EXIT

# (c) unpack the prebuilt binary.
unpack() {
  local name="$1" archive="$source_dir/$(archive_name "$1")" tmp sum
  command -v xz >/dev/null || die "xz is needed to unpack $archive (apt-get install xz-utils)"
  log "unpacking $archive into $cache"
  tmp="$(mktemp "$cache/.$name.XXXXXX")"
  tmp_files+=("$tmp")
  xz -dc "$archive" >"$tmp" || die "could not unpack $archive"
  chmod 755 "$tmp"
  sum="$(sha256 "$tmp")"
  if [ "$sum" != "$(prebuilt_sha256 "$name")" ]; then
    rm -f "$tmp"
    die "$name unpacked from $archive has sha256 $sum, expected $(prebuilt_sha256 "$name"); removed it"
  fi
  rm -f "$cache/$name.sha256"
  mv -f "$tmp" "$cache/$name"
}

# (d) build from the Go module proxy (a stable build dir keeps Go's build cache warm).
build() {
  local name="$1" module="$here/envtest/$1" work="$cache/build/$1" tmp pkg version
  command -v go >/dev/null || die "neither $(archive_name "$name") in $source_dir nor go to build $name (install Go 1.26 or set SCRIBA_ENVTEST_SOURCE)"
  mkdir -p "$work"
  cp "$module/go.mod" "$module/tools.go" "$work/"
  [ ! -f "$module/go.sum" ] || cp "$module/go.sum" "$work/"
  tmp="$(mktemp "$cache/.$name.XXXXXX")"
  tmp_files+=("$tmp")
  if [ "$name" = kube-apiserver ]; then
    log "building kube-apiserver $K8S_VERSION from source; this takes about 20 minutes on 2 cores"
    (cd "$work" && GOFLAGS=-mod=mod go build -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=37 -X k8s.io/component-base/version.gitTreeState=clean" -o "$tmp" k8s.io/kubernetes/cmd/kube-apiserver) >&2 ||
      die "building kube-apiserver failed"
    pkg="Kubernetes $K8S_VERSION"
  else
    log "building etcd $ETCD_VERSION from source; this takes about 2 minutes on 2 cores"
    (cd "$work" && GOFLAGS=-mod=mod go build -ldflags "-s -w" -o "$tmp" go.etcd.io/etcd/server/v3) >&2 ||
      die "building etcd failed"
    pkg="etcd Version: ${ETCD_VERSION#v}"
  fi
  chmod 755 "$tmp"
  version="$("$tmp" --version 2>&1 || true)"
  case "$version" in
    *"$pkg"*) ;;
    *) die "the $name built reports '$version', expected '$pkg'" ;;
  esac
  sha256 "$tmp" >"$cache/$name.sha256"
  mv -f "$tmp" "$cache/$name"
}

for name in "${BINARIES[@]}"; do
  cached_ok "$name" && continue
  if [ -f "$source_dir/$(archive_name "$name")" ]; then
    unpack "$name"
  else
    build "$name"
  fi
done

all_cached || die "the binaries in $cache do not check out"
log "kube-apiserver $K8S_VERSION and etcd $ETCD_VERSION are in $cache"
echo "$cache"
