#!/bin/sh
# Installs the peers bench/run.sh measures beside nianbao (issue 16): XeLaTeX with ctex and the
# Fandol fonts (Debian: texlive-xetex, texlive-lang-chinese; about 600 MB). For the benchmark
# only: scripts/setup.sh (CI) does not install them. Typst is not packaged in Debian 12 and its
# build needs crates.io, so bench/RESULTS.md quotes its figures from the peers' survey.
set -eu
if [ "$(id -u)" -ne 0 ]; then
    echo "setup-peers: run as root (apt-get)" >&2
    exit 2
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends texlive-xetex texlive-lang-chinese
xelatex --version | head -n 1
