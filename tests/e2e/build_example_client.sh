#!/usr/bin/env bash
# Installs podmeta into a scratch prefix and builds examples/client against
# it with find_package(podmeta), as an outside project would.
#   build_example_client.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$1
build_dir=$2
prefix=$build_dir/example-install
rm -rf "$prefix" "$build_dir/example-client"
cmake --install "$build_dir" --prefix "$prefix" >/dev/null
cmake -S "$source_dir/examples/client" -B "$build_dir/example-client" -DCMAKE_PREFIX_PATH="$prefix" \
  ${EXAMPLE_CXX:+-DCMAKE_CXX_COMPILER="$EXAMPLE_CXX"} \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXE_LINKER_FLAGS="${EXAMPLE_LINK_FLAGS:-}" >/dev/null
cmake --build "$build_dir/example-client" -j 2 >/dev/null
test -x "$build_dir/example-client/episode_counts"
echo "built $build_dir/example-client/episode_counts against $prefix"
