# PyInstaller hook: llama_cpp loads libllama/libggml with ctypes from its lib/ folder,
# which import analysis cannot see; without them the frozen program fails to load libllama.
from pathlib import Path

from PyInstaller.utils.hooks import get_package_paths

from appliance.collect import llama_cpp_binaries

binaries = llama_cpp_binaries(Path(get_package_paths("llama_cpp")[1]))
