#!/usr/bin/env bash
# Builds the llama-cpp-python wheel once per machine and keeps it in a wheelhouse,
# so later installs (pip install --find-links) reuse it instead of recompiling.
#
# The wheel is keyed by architecture and the CPU's feature flags: a native build
# (-march=native) is fast here but may crash on an older CPU, so a machine with
# other flags gets its own build. DOORMAN_LLAMA_BUILD=release takes the appliance's
# portable build instead (every CPU variant, the best picked at load time), so one
# compile serves both the tests and the frozen executable (CI does this).
set -euo pipefail

# Bump when the build recipe changes, so wheels built the old way are not reused.
recipe=2

version="${LLAMA_CPP_PYTHON_VERSION:-0.3.36}"
python="${PYTHON:-python3}"
cache_root="${DOORMAN_BUILD_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/doorman-build}"

if [ "${DOORMAN_LLAMA_BUILD:-native}" = release ]; then
  "$python" -c 'import sys
from appliance.llama_release import release_wheel
print(release_wheel(sys.argv[1], say=lambda line: print(line, file=sys.stderr)).parent)' "$(uname -m)"
  exit 0
fi
native=ON
cpu_key=$(grep -m1 -E '^(flags|Features)' /proc/cpuinfo | sha256sum | cut -c1-12)
wheelhouse="$cache_root/wheels/$(uname -m)-$cpu_key-r$recipe"
mkdir -p "$wheelhouse"

if ls "$wheelhouse"/llama_cpp_python-"$version"-*.whl >/dev/null 2>&1; then
  echo "$wheelhouse"
  exit 0
fi

echo "building llama-cpp-python $version (GGML_NATIVE=$native); this takes minutes on 2 cores" >&2
export CMAKE_ARGS="-DGGML_NATIVE=$native -DGGML_BLAS=OFF -DLLAVA_BUILD=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF ${CMAKE_ARGS:-}"
if [ "$(uname -m)" = x86_64 ]; then
  # ggml's AMX matmul crashes (SIGSEGV in ggml_backend_amx_mul_mat) on CPUs that
  # advertise AMX under a hypervisor here; the AVX-512/AVX2 paths are kept.
  export CFLAGS="${CFLAGS:-} -mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
  export CXXFLAGS="${CXXFLAGS:-} -mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
fi
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}"
tmp=$(mktemp -d "$wheelhouse/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$python" -m pip wheel --no-deps --no-cache-dir -w "$tmp" "llama-cpp-python==$version" >&2
mv "$tmp"/llama_cpp_python-*.whl "$wheelhouse"/
echo "$wheelhouse"
